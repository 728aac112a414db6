/* jd-test-conformance.h — what the AWS-SDK conformance tests (boto3, the SDK
 * for JavaScript v3, the device SDK v2) share: where their tools are, and one
 * rule for when they are not there.
 *
 * build-aux/conformance-tools.sh BUILDDIR (run by build-aux/jobdeck.sh test,
 * or `ninja -C BUILDDIR conformance-tools`) installs the npm packages into
 * BUILDDIR/conformance/node_modules; meson passes that folder to the tests as
 * JOBDECK_CONFORMANCE_MODULES. A missing tool FAILS the test, saying how to
 * install it. Only JOBDECK_SKIP_CONFORMANCE=1 in the environment (which CI
 * never sets) turns that into a skip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The node_modules folder the SDKs are installed in. */
const char *jd_test_conformance_node_modules (void);

/* Whether @package (e.g. "@aws-sdk/client-iot") is installed there at
 * @version; if not, or if node is missing, the test fails (or skips, with the
 * opt-out) with the reason and FALSE is returned: return from the test then. */
gboolean    jd_test_conformance_require_npm  (const char *package,
                                              const char *version);

/* Fails (or skips, with the opt-out) with @why unless @ok; returns @ok. */
gboolean    jd_test_conformance_require      (gboolean    ok,
                                              const char *why);

G_END_DECLS
