/* jd-rules.c — AWS IoT Jobs' limits, identifier patterns and request-text
 * checks, shared by the client, the service and the CLI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-rules"

#include <string.h>

#include "jd-jobs-error.h"
#include "jd-json.h"
#include "jd-rules.h"

static gboolean
is_id_char (char     c,
            gboolean allow_colon)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || (allow_colon && c == ':');
}

static gboolean
is_valid_id (const char *str,
             gssize      len,
             gsize       max_len,
             gboolean    allow_colon)
{
  gsize n;

  if (str == NULL)
    return FALSE;

  n = len < 0 ? strlen (str) : (gsize) len;
  if (n == 0 || n > max_len)
    return FALSE;

  for (gsize i = 0; i < n; i++)
    if (!is_id_char (str[i], allow_colon))
      return FALSE;

  return TRUE;
}

/**
 * jd_rules_is_valid_thing_name:
 * @name: (nullable): a thing name, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 *
 * Returns: whether @name matches AWS's `[a-zA-Z0-9:_-]+`, 1–128 characters
 */
gboolean
jd_rules_is_valid_thing_name (const char *name,
                              gssize      len)
{
  return is_valid_id (name, len, JD_THING_NAME_MAX, TRUE);
}

/**
 * jd_rules_is_valid_job_id:
 * @job_id: (nullable): a job id, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 *
 * Returns: whether @job_id matches AWS's `[a-zA-Z0-9_-]+`, 1–64 characters
 *   (`$next` is not a job id; see jd_rules_is_next_job_id())
 */
gboolean
jd_rules_is_valid_job_id (const char *job_id,
                          gssize      len)
{
  return is_valid_id (job_id, len, JD_JOB_ID_MAX, FALSE);
}

/**
 * jd_rules_is_valid_thing_group_name:
 * @name: (nullable): a thing group name, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 *
 * Returns: whether @name matches AWS's `[a-zA-Z0-9:_-]+`, 1–128 characters
 */
gboolean
jd_rules_is_valid_thing_group_name (const char *name,
                                    gssize      len)
{
  return is_valid_id (name, len, JD_THING_GROUP_NAME_MAX, TRUE);
}

/**
 * jd_rules_is_valid_thing_group_description:
 * @description: a description (UTF-8)
 *
 * Returns: whether @description has at most 2028 bytes and no control
 *   characters (`[\p{Graph}\x20]*`: a space is the only blank allowed)
 */
gboolean
jd_rules_is_valid_thing_group_description (const char *description)
{
  g_return_val_if_fail (description != NULL, FALSE);

  if (strlen (description) > JD_THING_GROUP_DESCRIPTION_MAX
      || !g_utf8_validate (description, -1, NULL))
    return FALSE;
  for (const char *p = description; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != ' ' && !g_unichar_isgraph (c))
        return FALSE;
    }
  return TRUE;
}

/**
 * jd_rules_is_next_job_id:
 * @job_id: (nullable): a job id, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 *
 * Returns: whether @job_id is the literal `$next`
 */
gboolean
jd_rules_is_next_job_id (const char *job_id,
                         gssize      len)
{
  gsize n;

  if (job_id == NULL)
    return FALSE;

  n = len < 0 ? strlen (job_id) : (gsize) len;
  return n == strlen (JD_NEXT_JOB_ID) && memcmp (job_id, JD_NEXT_JOB_ID, n) == 0;
}

/**
 * jd_rules_is_valid_client_token:
 * @token: a clientToken (UTF-8)
 * @len: its length in bytes, or -1 if nul-terminated
 *
 * Returns: whether @token has at most 64 characters and no NUL
 */
gboolean
jd_rules_is_valid_client_token (const char *token,
                                gssize      len)
{
  gsize n;

  g_return_val_if_fail (token != NULL, FALSE);

  n = len < 0 ? strlen (token) : (gsize) len;
  return memchr (token, '\0', n) == NULL && g_utf8_validate_len (token, n, NULL) &&
         g_utf8_strlen (token, n) <= JD_CLIENT_TOKEN_MAX;
}

/**
 * jd_rules_is_valid_status_details_key:
 * @key: (nullable): a statusDetails key
 * @len: its length, or -1 if nul-terminated
 *
 * Returns: whether @key matches `[a-zA-Z0-9:_-]+`, 1–128 characters
 */
gboolean
jd_rules_is_valid_status_details_key (const char *key,
                                      gssize      len)
{
  return is_valid_id (key, len, JD_STATUS_DETAILS_KEY_MAX, TRUE);
}

/**
 * jd_rules_is_valid_status_details_value:
 * @value: (nullable): a statusDetails value
 * @len: its length in bytes, or -1 if nul-terminated
 *
 * Returns: whether @value is valid UTF-8 of 1–1024 characters with no
 *   control, format, private-use, surrogate or unassigned characters (the
 *   current API model's `[^\p{C}]+`); a NUL is a control character
 */
gboolean
jd_rules_is_valid_status_details_value (const char *value,
                                        gssize      len)
{
  const char *end;
  gsize n;
  glong chars;

  if (value == NULL)
    return FALSE;

  n = len < 0 ? strlen (value) : (gsize) len;
  if (n == 0 || memchr (value, '\0', n) != NULL || !g_utf8_validate_len (value, n, NULL))
    return FALSE;

  chars = g_utf8_strlen (value, n);
  if (chars < 1 || chars > JD_STATUS_DETAILS_VALUE_MAX)
    return FALSE;

  end = value + n;
  for (const char *p = value; p < end; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT || type == G_UNICODE_UNASSIGNED ||
          type == G_UNICODE_PRIVATE_USE || type == G_UNICODE_SURROGATE)
        return FALSE;
    }

  return TRUE;
}

gboolean
jd_rules_is_valid_step_timeout (gint64   minutes,
                                gboolean allow_clear)
{
  return (minutes >= 1 && minutes <= JD_STEP_TIMEOUT_MINUTES_MAX) || (allow_clear && minutes == -1);
}

/**
 * jd_rules_check_json_text:
 * @text: request text that json-glib parsed without error
 * @len: its length in bytes
 * @ranges: (array length=n_ranges) (nullable): the integer members read
 * @n_ranges: their number
 * @error: the refusal (%JD_JOBS_ERROR_INVALID_REQUEST)
 *
 * Returns: %FALSE when @text has a NUL inside a string, or an integer that
 *   does not fit 64 bits in one of @ranges' members
 */
gboolean
jd_rules_check_json_text (const char          *text,
                          gsize                len,
                          const JdRulesRange  *ranges,
                          gsize                n_ranges,
                          GError             **error)
{
  g_autofree char *path = NULL;
  g_autofree char *literal = NULL;
  g_autofree const char **members = g_new0 (const char *, n_ranges + 1);

  for (gsize i = 0; i < n_ranges; i++)
    members[i] = ranges[i].member;

  switch (jd_json_check_text (text, len, members, &path, &literal))
    {
    case JD_JSON_TEXT_NUL_IN_STRING:
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   "Value at '%s' failed to satisfy constraint: Member must not contain the NUL character (\\u0000)",
                   path != NULL && *path != '\0' ? path : "request");
      return FALSE;

    case JD_JSON_TEXT_INTEGER_OUT_OF_RANGE:
      for (gsize i = 0; i < n_ranges; i++)
        if (g_strcmp0 (ranges[i].member, path) == 0)
          {
            g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                         "Value %s at '%s' failed to satisfy constraint: Member must be between %"
                         G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                         literal, path, ranges[i].min, ranges[i].max);
            return FALSE;
          }
      g_assert_not_reached ();

    case JD_JSON_TEXT_OK:
    default:
      return TRUE;
    }
}

gboolean
jd_rules_check_request_text (const char  *text,
                             gsize        len,
                             GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *literal = NULL;

  switch (jd_json_check_text (text, len, NULL, &path, &literal))
    {
    case JD_JSON_TEXT_NUL_IN_STRING:
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   "Value at '%s' failed to satisfy constraint: Member must not contain the NUL character (\\u0000)",
                   path != NULL && *path != '\0' ? path : "request");
      return FALSE;

    case JD_JSON_TEXT_INTEGER_OUT_OF_RANGE:
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   "Value %s at '%s' failed to satisfy constraint: Member must be between %"
                   G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                   literal, path, G_MININT64, G_MAXINT64);
      return FALSE;

    case JD_JSON_TEXT_OK:
    default:
      return TRUE;
    }
}

/**
 * jd_rules_check_string:
 * @member: the member's name, for the message
 * @value: the string
 * @len: its length in bytes (not up to a NUL)
 * @error: the refusal (%JD_JOBS_ERROR_INVALID_REQUEST)
 *
 * Returns: %FALSE when @value holds a NUL
 */
gboolean
jd_rules_check_string (const char  *member,
                       const char  *value,
                       gsize        len,
                       GError     **error)
{
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (value != NULL || len == 0, FALSE);

  if (len > 0 && memchr (value, '\0', len) != NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   "Value at '%s' failed to satisfy constraint: Member must not contain the NUL character (\\u0000)",
                   member);
      return FALSE;
    }
  return TRUE;
}
