/* jd-connection-test.h — "Test Connection" for a profile: one MQTT connection
 * attempt with the profile's files, and one cheap control-plane call with its
 * credentials. Each half is its own async call so a dialog can run both at
 * once and report each as it ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-credentials.h"
#include "jd-profile.h"

G_BEGIN_DECLS

#define JD_CONNECTION_TEST_DEFAULT_TIMEOUT_MS 10000

/* The CA bundle used when a profile names none (AWS's Amazon Root CA is in it). */

/* Connects as the profile's client id to its endpoint and port (ALPN on 443),
 * then disconnects. @key_passphrase: nullable. Fails with the connection's
 * plain-word error ("the broker refused the client certificate"), or a
 * timeout after @timeout_ms. */
void        jd_connection_test_mqtt_async              (JdProfile           *profile,
                                                        const char          *key_passphrase,
                                                        guint                timeout_ms,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* Returns the client id it connected as. */
char       *jd_connection_test_mqtt_finish             (GAsyncResult        *result,
                                                        GError             **error);

/* Calls DescribeEndpoint (iot:Data-ATS) on the profile's control plane.
 * @credentials: nullable; NULL looks them up through the profile's chain. */
void        jd_connection_test_control_plane_async     (JdProfile           *profile,
                                                        JdCredentials       *credentials,
                                                        guint                timeout_ms,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* Returns the data endpoint the control plane reports. */
char       *jd_connection_test_control_plane_finish    (GAsyncResult        *result,
                                                        GError             **error);

/* "InvalidSignatureException: The request signature …" for AWS errors, the
 * message alone for the others. */
char       *jd_connection_test_describe_error          (const GError        *error);

G_END_DECLS
