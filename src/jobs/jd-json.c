/* jd-json.c — tolerant JSON member readers and the raw-text check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-json"

#include <string.h>

#include "jd-json.h"
#include "jd-jobs-error.h"

/* Timestamps are epoch seconds over MQTT; a few AWS examples use
 * milliseconds. Anything past year 5000 in seconds is taken as milliseconds. */
#define EPOCH_MS_THRESHOLD G_GINT64_CONSTANT (100000000000)

static JsonNode *
get_member (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

static gboolean
bad_member (GError    **error,
            const char *member,
            const char *expected)
{
  g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
               "the reply's “%s” is not %s", member, expected);
  return FALSE;
}

gboolean
jd_json_read_int64 (JsonObject  *object,
                     const char  *member,
                     gboolean    *present,
                     gint64      *value,
                     GError     **error)
{
  JsonNode *node = get_member (object, member);

  *present = FALSE;
  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64)
        {
          *value = json_node_get_int (node);
          *present = TRUE;
          return TRUE;
        }

      if (type == G_TYPE_DOUBLE)
        {
          double d = json_node_get_double (node);

          if (d >= -9.0e15 && d <= 9.0e15 && d == (double) (gint64) d)
            {
              *value = (gint64) d;
              *present = TRUE;
              return TRUE;
            }
        }

      if (type == G_TYPE_STRING)
        {
          g_autofree char *stripped = g_strstrip (g_strdup (json_node_get_string (node)));

          if (g_ascii_string_to_signed (stripped, 10, G_MININT64, G_MAXINT64, value, NULL))
            {
              *present = TRUE;
              return TRUE;
            }
        }
    }

  return bad_member (error, member, "a number");
}

gboolean
jd_json_read_string (JsonObject  *object,
                      const char  *member,
                      gboolean    *present,
                      const char **value,
                      GError     **error)
{
  JsonNode *node = get_member (object, member);

  *present = FALSE;
  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      *value = json_node_get_string (node);
      *present = TRUE;
      return TRUE;
    }

  return bad_member (error, member, "a string");
}

GDateTime *
jd_json_date_time_from_epoch (gint64 epoch)
{
  if (epoch >= EPOCH_MS_THRESHOLD || epoch <= -EPOCH_MS_THRESHOLD)
    return g_date_time_new_from_unix_utc (epoch / 1000);
  return g_date_time_new_from_unix_utc (epoch);
}

gboolean
jd_json_read_time (JsonObject  *object,
                    const char  *member,
                    gboolean    *present,
                    GDateTime  **value,
                    GError     **error)
{
  gint64 epoch = 0;
  GDateTime *when;

  if (!jd_json_read_int64 (object, member, present, &epoch, error))
    return FALSE;
  if (!*present)
    return TRUE;

  when = jd_json_date_time_from_epoch (epoch);
  if (when == NULL)
    {
      *present = FALSE;
      return bad_member (error, member, "a time");
    }

  *value = when;
  return TRUE;
}

gboolean
jd_json_read_details (JsonObject  *object,
                       const char  *member,
                       gboolean    *present,
                       GHashTable **value,
                       GError     **error)
{
  JsonNode *node = get_member (object, member);
  g_autoptr(GHashTable) details = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *map;

  *present = FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_member (error, member, "an object");

  map = json_node_get_object (node);
  details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  names = json_object_get_members (map);

  for (const GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *v = json_object_get_member (map, l->data);
      char *text;

      if (!JSON_NODE_HOLDS_VALUE (v))
        return bad_member (error, member, "a map of strings");

      switch (json_node_get_value_type (v))
        {
        case G_TYPE_STRING:
          text = g_strdup (json_node_get_string (v));
          break;
        case G_TYPE_INT64:
          text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (v));
          break;
        case G_TYPE_BOOLEAN:
          text = g_strdup (json_node_get_boolean (v) ? "true" : "false");
          break;
        case G_TYPE_DOUBLE:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            text = g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (v)));
          }
          break;
        default:
          return bad_member (error, member, "a map of strings");
        }

      g_hash_table_insert (details, g_strdup (l->data), text);
    }

  *value = g_steal_pointer (&details);
  *present = TRUE;
  return TRUE;
}


/* ---- the raw-text check ---- */

typedef struct {
  gboolean  is_object;
  gboolean  want_key;
  char     *key;      /* the current member of an object */
  guint     index;    /* the current element of an array */
} Frame;

static void
frame_clear (gpointer data)
{
  Frame *frame = data;

  g_clear_pointer (&frame->key, g_free);
}

static char *
frames_path (GArray *stack)
{
  GString *path = g_string_new (NULL);

  for (guint i = 0; i < stack->len; i++)
    {
      Frame *frame = &g_array_index (stack, Frame, i);

      if (!frame->is_object)
        g_string_append_printf (path, "[%u]", frame->index);
      else if (frame->key != NULL)
        {
          if (path->len > 0)
            g_string_append_c (path, '.');
          g_string_append (path, frame->key);
        }
    }

  return g_string_free (path, FALSE);
}

static gboolean
is_nul_escape (const char *p,
               const char *end)
{
  return end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
         p[2] == '0' && p[3] == '0' && p[4] == '0' && p[5] == '0';
}

/**
 * jd_json_check_text:
 * @text: JSON text that json-glib parsed without error
 * @len: its length in bytes
 * @integer_members: (nullable) (array zero-terminated=1): the dotted paths
 *   whose integers matter, or %NULL for every integer
 * @path: (out) (optional) (transfer full): the member with the issue
 * @literal: (out) (optional) (transfer full): the integer's text
 *
 * json-glib hands strings out nul-terminated, so `"a\u0000b"` reads as `"a"`,
 * and it wraps integer literals that do not fit 64 bits. AWS refuses both;
 * this finds them in the text itself. Keys are named by their raw text.
 *
 * Returns: the first issue found, or %JD_JSON_TEXT_OK
 */
JdJsonTextIssue
jd_json_check_text (const char         *text,
                    gsize               len,
                    const char * const *integer_members,
                    char              **path,
                    char              **literal)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  const char *p = text;
  const char *end = text + len;

  g_return_val_if_fail (text != NULL || len == 0, JD_JSON_TEXT_OK);

  g_array_set_clear_func (stack, frame_clear);

  while (p < end)
    {
      Frame *top = stack->len > 0 ? &g_array_index (stack, Frame, stack->len - 1) : NULL;

      switch (*p)
        {
        case '{':
        case '[':
          {
            Frame frame = { *p == '{', *p == '{', NULL, 0 };

            g_array_append_val (stack, frame);
            p++;
          }
          break;

        case '}':
        case ']':
          if (stack->len > 0)
            g_array_set_size (stack, stack->len - 1);
          p++;
          break;

        case ',':
          if (top != NULL && top->is_object)
            top->want_key = TRUE;
          else if (top != NULL)
            top->index++;
          p++;
          break;

        case ':':
          if (top != NULL)
            top->want_key = FALSE;
          p++;
          break;

        case '"':
          {
            const char *start = ++p;
            const char *nul = NULL;

            while (p < end && *p != '"')
              {
                if (*p == '\\')
                  {
                    if (nul == NULL && is_nul_escape (p, end))
                      nul = p;
                    p += p + 1 < end ? 2 : 1;
                  }
                else
                  p++;
              }

            if (top != NULL && top->is_object && top->want_key)
              {
                g_free (top->key);
                top->key = g_strndup (start, (nul != NULL ? nul : p) - start);
              }
            p++;

            if (nul != NULL)
              {
                if (path != NULL)
                  *path = frames_path (stack);
                return JD_JSON_TEXT_NUL_IN_STRING;
              }
          }
          break;

        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          {
            const char *start = p;
            gboolean integral = TRUE;
            g_autofree char *number = NULL;

            while (p < end && (g_ascii_isdigit (*p) || *p == '-' || *p == '+' ||
                               *p == '.' || *p == 'e' || *p == 'E'))
              {
                if (*p == '.' || *p == 'e' || *p == 'E')
                  integral = FALSE;
                p++;
              }

            if (!integral)
              break;

            number = g_strndup (start, p - start);
            if (!g_ascii_string_to_signed (number, 10, G_MININT64, G_MAXINT64, NULL, NULL))
              {
                g_autofree char *where = frames_path (stack);

                if (integer_members != NULL && !g_strv_contains (integer_members, where))
                  break;
                if (path != NULL)
                  *path = g_steal_pointer (&where);
                if (literal != NULL)
                  *literal = g_steal_pointer (&number);
                return JD_JSON_TEXT_INTEGER_OUT_OF_RANGE;
              }
          }
          break;

        default:
          p++;
          break;
        }
    }

  return JD_JSON_TEXT_OK;
}
