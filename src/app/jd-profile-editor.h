/* jd-profile-editor.h — the dialog that adds or edits an AWS connection
 * profile: settings validated as they are typed, secrets kept for the
 * keyring, and Test Connection.
 *
 * The editor works on its own copy of the profile's settings (delayed
 * GSettings): nothing is written until Save, and closing drops the changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-profile.h"

G_BEGIN_DECLS

#define JD_TYPE_PROFILE_EDITOR (jd_profile_editor_get_type ())

G_DECLARE_FINAL_TYPE (JdProfileEditor, jd_profile_editor, JD, PROFILE_EDITOR, AdwWindow)

/* @settings: the application's settings (the "profiles" list).
 * @profile_id: the AWS profile to edit, or NULL to add a new one. */
JdProfileEditor *jd_profile_editor_new                 (GSettings        *settings,
                                                        const char       *profile_id);

/* The id the profile has (or will have, for a new one, once saved). */
const char      *jd_profile_editor_get_profile_id      (JdProfileEditor  *self);
gboolean         jd_profile_editor_get_is_new          (JdProfileEditor  *self);

/* Whether Save is possible: validation done and nothing wrong. */
gboolean         jd_profile_editor_get_can_save        (JdProfileEditor  *self);
/* Whether validation or the loading of stored secrets is still running. */
gboolean         jd_profile_editor_get_busy            (JdProfileEditor  *self);
/* The problem shown for a settings key ("thing-name", "key-path", …, plus
 * "access-key-id" and "aws-profile"), or NULL. */
const char      *jd_profile_editor_get_problem         (JdProfileEditor  *self,
                                                        const char       *key);

/* A file row's path ("certificate-path", "key-path", "ca-path"); the same as
 * choosing it in the file chooser. NULL or "" clears it. */
void             jd_profile_editor_set_file            (JdProfileEditor  *self,
                                                        const char       *key,
                                                        const char       *path);

/* Stores the secrets in the keyring, then writes the settings (and, for a
 * new profile, adds it to the list). Emits "saved" on success. */
void             jd_profile_editor_save_async          (JdProfileEditor     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         jd_profile_editor_save_finish         (JdProfileEditor     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Starts Test Connection (what the button does); "test-finished" is emitted
 * when both parts have answered. Closing the editor cancels it. */
void             jd_profile_editor_test_connection     (JdProfileEditor  *self);
gboolean         jd_profile_editor_get_testing         (JdProfileEditor  *self);
/* "MQTT: connected as MyThing", "Control plane: ok", or the failures; NULL
 * before a test. */
const char      *jd_profile_editor_get_mqtt_result     (JdProfileEditor  *self);
const char      *jd_profile_editor_get_control_plane_result (JdProfileEditor *self);

G_END_DECLS
