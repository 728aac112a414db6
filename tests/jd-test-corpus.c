/* jd-test-corpus.c — reading the device-API bad-input corpus and comparing
 * replies with its expectations (subset match: objects by member, arrays
 * element by element and by length).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-test-corpus.h"

void
jd_test_corpus_assert_subset (JsonNode   *expected,
                              JsonNode   *actual,
                              const char *path)
{
  if (actual == NULL)
    g_error ("%s: missing", path);

  if (JSON_NODE_HOLDS_OBJECT (expected))
    {
      JsonObject *eo = json_node_get_object (expected);
      g_autoptr(GList) members = json_object_get_members (eo);

      if (!JSON_NODE_HOLDS_OBJECT (actual))
        g_error ("%s: not an object", path);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *sub = g_strdup_printf ("%s.%s", path, (const char *) l->data);

          jd_test_corpus_assert_subset (json_object_get_member (eo, l->data),
                         json_object_get_member (json_node_get_object (actual), l->data), sub);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (expected))
    {
      JsonArray *ea = json_node_get_array (expected);

      if (!JSON_NODE_HOLDS_ARRAY (actual))
        g_error ("%s: not an array", path);
      if (json_array_get_length (ea) != json_array_get_length (json_node_get_array (actual)))
        g_error ("%s: %u elements, expected %u", path, json_array_get_length (json_node_get_array (actual)),
                 json_array_get_length (ea));
      for (guint i = 0; i < json_array_get_length (ea); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);

          jd_test_corpus_assert_subset (json_array_get_element (ea, i),
                         json_array_get_element (json_node_get_array (actual), i), sub);
        }
    }
  else if (!json_node_equal (expected, actual))
    {
      g_autofree char *e = json_to_string (expected, FALSE);
      g_autofree char *a = json_to_string (actual, FALSE);

      g_error ("%s: %s, expected %s", path, a, e);
    }
}

gboolean
jd_test_corpus_has_path (JsonObject *object,
                         const char *dotted)
{
  g_auto(GStrv) parts = g_strsplit (dotted, ".", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, parts[i]);

      if (node == NULL)
        return FALSE;
      if (parts[i + 1] == NULL)
        return TRUE;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return FALSE;
      object = json_node_get_object (node);
    }
  return FALSE;
}

GBytes *
jd_test_corpus_case_payload (JsonObject *c)
{
  if (json_object_has_member (c, "payload"))
    {
      const char *text = json_object_get_string_member (c, "payload");

      return g_bytes_new (text, strlen (text));
    }
  if (json_object_has_member (c, "payloadBase64"))
    {
      gsize len = 0;
      guchar *data = g_base64_decode (json_object_get_string_member (c, "payloadBase64"), &len);

      return g_bytes_new_take (data, len);
    }
  if (json_object_has_member (c, "payloadRepeat"))
    {
      JsonObject *r = json_object_get_object_member (c, "payloadRepeat");
      GString *s = g_string_new (json_object_get_string_member (r, "head"));
      gint64 count = json_object_get_int_member (r, "count");

      for (gint64 i = 0; i < count; i++)
        g_string_append (s, json_object_get_string_member (r, "fill"));
      g_string_append (s, json_object_get_string_member (r, "tail"));
      return g_string_free_to_bytes (s);
    }
  return g_bytes_new (NULL, 0);
}
