/* jd-cli-line.c — shell-style word splitting and option parsing for
 * jobdeck-cli command lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <errno.h>
#include <string.h>

#include "jd-cli-line.h"

G_DEFINE_QUARK (jd-cli-error-quark, jd_cli_error)

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

GPtrArray *
jd_cli_line_split (const char  *line,
                   GArray     **ends,
                   GError     **error)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  const char *p = line;

  g_return_val_if_fail (line != NULL, NULL);

  for (;;)
    {
      g_autoptr(GString) word = NULL;
      gsize end;

      while (is_blank (*p))
        p++;
      if (*p == '\0')
        break;

      word = g_string_new (NULL);
      while (*p != '\0' && !is_blank (*p))
        {
          if (*p == '\'')
            {
              const char *close = strchr (p + 1, '\'');

              if (close == NULL)
                {
                  g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                               "unterminated single quote");
                  return NULL;
                }
              g_string_append_len (word, p + 1, close - p - 1);
              p = close + 1;
            }
          else if (*p == '"')
            {
              p++;
              while (*p != '"')
                {
                  if (*p == '\0')
                    {
                      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                                   "unterminated double quote");
                      return NULL;
                    }
                  if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                  g_string_append_c (word, *p);
                  p++;
                }
              p++;
            }
          else if (*p == '\\' && p[1] != '\0')
            {
              g_string_append_c (word, p[1]);
              p += 2;
            }
          else
            {
              g_string_append_c (word, *p);
              p++;
            }
        }
      end = p - line;
      g_array_append_val (offsets, end);
      g_ptr_array_add (words, g_string_free (g_steal_pointer (&word), FALSE));
    }

  if (ends != NULL)
    *ends = g_steal_pointer (&offsets);
  return g_steal_pointer (&words);
}

char *
jd_cli_line_rest (const char *line,
                  gsize       offset)
{
  gsize len = strlen (line);
  const char *start;
  const char *end;

  if (offset > len)
    offset = len;
  start = line + offset;
  end = line + len;
  while (start < end && is_blank (*start))
    start++;
  while (end > start && is_blank (end[-1]))
    end--;
  return g_strndup (start, end - start);
}

void
jd_cli_parsed_free (JdCliParsed *parsed)
{
  if (parsed == NULL)
    return;
  g_clear_pointer (&parsed->args, g_ptr_array_unref);
  g_clear_pointer (&parsed->options, g_hash_table_unref);
  g_free (parsed);
}

static const JdCliOption *
find_option (const JdCliOption *options,
             const char        *name,
             gsize              len)
{
  for (guint i = 0; options != NULL && options[i].name != NULL; i++)
    if (strlen (options[i].name) == len && strncmp (options[i].name, name, len) == 0)
      return &options[i];
  return NULL;
}

JdCliParsed *
jd_cli_parse_words (const char         *command,
                    const char * const *words,
                    guint               n_words,
                    const JdCliOption  *options,
                    guint               stop_after_args,
                    guint              *consumed,
                    GError            **error)
{
  g_autoptr(JdCliParsed) parsed = g_new0 (JdCliParsed, 1);
  gboolean options_done = FALSE;
  guint i = 0;

  parsed->args = g_ptr_array_new_with_free_func (g_free);
  parsed->options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) g_ptr_array_unref);

  while (i < n_words)
    {
      const char *word = words[i];

      if (stop_after_args > 0 && parsed->args->len == stop_after_args)
        break;

      if (!options_done && strcmp (word, "--") == 0)
        {
          options_done = TRUE;
          i++;
          continue;
        }

      if (!options_done && g_str_has_prefix (word, "--") && word[2] != '\0')
        {
          const char *name = word + 2;
          const char *equals = strchr (name, '=');
          gsize name_len = equals ? (gsize) (equals - name) : strlen (name);
          const JdCliOption *option = find_option (options, name, name_len);
          GPtrArray *values;
          const char *value;

          if (option == NULL)
            {
              g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                           "%s: unknown option --%.*s", command, (int) name_len, name);
              return NULL;
            }
          if (option->value_name == NULL)
            {
              if (equals != NULL)
                {
                  g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                               "%s: --%s takes no value", command, option->name);
                  return NULL;
                }
              value = "";
            }
          else if (equals != NULL)
            value = equals + 1;
          else if (i + 1 < n_words)
            value = words[++i];
          else
            {
              g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                           "%s: --%s needs a value (%s)", command, option->name,
                           option->value_name);
              return NULL;
            }

          values = g_hash_table_lookup (parsed->options, option->name);
          if (values == NULL)
            {
              values = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (parsed->options, (gpointer) option->name, values);
            }
          else if (!option->repeatable)
            {
              g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                           "%s: --%s may be given only once", command, option->name);
              return NULL;
            }
          g_ptr_array_add (values, g_strdup (value));
          i++;
          continue;
        }

      g_ptr_array_add (parsed->args, g_strdup (word));
      i++;
    }

  if (consumed != NULL)
    *consumed = i;
  return g_steal_pointer (&parsed);
}

const char *
jd_cli_parsed_get (JdCliParsed *parsed,
                   const char  *name)
{
  GPtrArray *values = g_hash_table_lookup (parsed->options, name);

  return values != NULL && values->len > 0 ? g_ptr_array_index (values, values->len - 1) : NULL;
}

gboolean
jd_cli_parsed_has (JdCliParsed *parsed,
                   const char  *name)
{
  return g_hash_table_contains (parsed->options, name);
}

GPtrArray *
jd_cli_parsed_get_all (JdCliParsed *parsed,
                       const char  *name)
{
  GPtrArray *values = g_hash_table_lookup (parsed->options, name);

  if (values == NULL)
    {
      values = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (parsed->options, (gpointer) g_intern_string (name), values);
    }
  return values;
}

gboolean
jd_cli_parse_int (const char  *command,
                  const char  *what,
                  const char  *text,
                  gint64       min,
                  gint64       max,
                  gint64      *out,
                  GError     **error)
{
  gint64 value;
  char *end = NULL;

  errno = 0;
  value = g_ascii_strtoll (text, &end, 10);
  if (text[0] == '\0' || end == NULL || *end != '\0' || errno != 0 ||
      value < min || value > max)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "%s: %s must be a whole number from %" G_GINT64_FORMAT
                   " to %" G_GINT64_FORMAT ", not “%s”",
                   command, what, min, max, text);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
jd_cli_parse_detail (const char  *command,
                     const char  *text,
                     GHashTable  *details,
                     GError     **error)
{
  const char *equals = strchr (text, '=');

  if (equals == NULL || equals == text)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "%s: --detail takes key=value, not “%s”", command, text);
      return FALSE;
    }
  g_hash_table_replace (details, g_strndup (text, equals - text), g_strdup (equals + 1));
  return TRUE;
}
