/* jd-test-slowdown.h: how much slower this test run is than a plain build.
 *
 * A sanitizer build runs several times slower; its runner
 * (build-aux/jobdeck.sh test --sanitize) says by how much in
 * JOBDECK_TEST_SLOWDOWN. Tests stretch their deadlines by this factor, never
 * their expectations.
 */
#pragma once

#include <glib.h>

static inline guint
jd_test_slowdown (void)
{
  const char *text = g_getenv ("JOBDECK_TEST_SLOWDOWN");

  if (text == NULL)
    return 1;
  return (guint) CLAMP (g_ascii_strtoull (text, NULL, 10), 1, 10);
}
