/* jd-json.h — JSON helpers of the core that the client, the execution model
 * and the jobs service share: tolerant member readers (numbers may arrive as
 * numeric strings, times as epoch seconds or, in some AWS examples,
 * milliseconds) and a check of the raw text for what json-glib silently
 * changes (a NUL inside a string, an integer beyond 64 bits).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Each returns FALSE with @error (JD_JOBS_ERROR_INVALID_REPLY) set when the
 * member exists with a wrong type; a missing or null member sets
 * *@present = FALSE and returns TRUE. */
gboolean    jd_json_read_int64   (JsonObject  *object,
                                  const char  *member,
                                  gboolean    *present,
                                  gint64      *value,
                                  GError     **error);
gboolean    jd_json_read_string  (JsonObject  *object,
                                  const char  *member,
                                  gboolean    *present,
                                  const char **value,
                                  GError     **error);
gboolean    jd_json_read_time    (JsonObject  *object,
                                  const char  *member,
                                  gboolean    *present,
                                  GDateTime  **value,
                                  GError     **error);
gboolean    jd_json_read_details (JsonObject  *object,
                                  const char  *member,
                                  gboolean    *present,
                                  GHashTable **value,
                                  GError     **error);
GDateTime  *jd_json_date_time_from_epoch (gint64 epoch);

typedef enum {
  JD_JSON_TEXT_OK,
  JD_JSON_TEXT_NUL_IN_STRING,         /* a `\u0000` in a key or a string value */
  JD_JSON_TEXT_INTEGER_OUT_OF_RANGE,  /* an integer literal outside gint64 */
} JdJsonTextIssue;

/* Scans JSON text that json-glib has already accepted for what json-glib
 * reads wrongly: it cuts strings at a NUL and wraps integers beyond 64 bits
 * (18446744073709551615 becomes -1). Stops at the first issue and sets
 * *@path to the dotted member path (array elements by index, a key with a NUL
 * by its text up to the NUL) and, for an integer, *@literal to its text.
 * Integers are checked only in @integer_members (dotted paths; %NULL: all). */
JdJsonTextIssue jd_json_check_text (const char         *text,
                                    gsize               len,
                                    const char * const *integer_members,
                                    char              **path,
                                    char              **literal);

G_END_DECLS
