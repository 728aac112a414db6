/* jd-cli-output.c — jobdeck-cli's text and JSON output lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include "jd-cli-output.h"

struct _JdCliOutput
{
  FILE     *out;
  FILE     *err;
  gboolean  json;
};

JdCliOutput *
jd_cli_output_new (FILE     *out,
                   FILE     *err,
                   gboolean  json)
{
  JdCliOutput *self = g_new0 (JdCliOutput, 1);

  self->out = out;
  self->err = err;
  self->json = json;
  return self;
}

void
jd_cli_output_free (JdCliOutput *self)
{
  g_free (self);
}

gboolean
jd_cli_output_get_json (JdCliOutput *self)
{
  return self->json;
}

char *
jd_cli_json_to_compact (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, FALSE);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

JsonNode *
jd_cli_json_from_payload (const char *payload,
                          gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = g_strndup (payload != NULL ? payload : "", len);

  if (g_strstrip (text)[0] == '\0')
    return json_node_init_object (json_node_alloc (), json_object_new ());
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return json_node_init_string (json_node_alloc (), text);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
format_json_line (const char *kind,
                  const char *name,
                  JsonNode   *payload)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "payload");
  if (payload != NULL)
    json_builder_add_value (builder, json_node_copy (payload));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return jd_cli_json_to_compact (root);
}

static JsonNode *
message_node (const char *key,
              const char *text)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, key, text);
  return json_node_init_object (json_node_alloc (), object);
}

char *
jd_cli_format_response (gboolean    json,
                        const char *name,
                        JsonNode   *payload)
{
  g_autofree char *compact = NULL;

  if (json)
    return format_json_line (JD_CLI_KIND_RESPONSE, name, payload);
  compact = payload != NULL ? jd_cli_json_to_compact (payload) : g_strdup ("{}");
  return g_strdup_printf ("%sResponse: %s", name, compact);
}

char *
jd_cli_format_event (gboolean    json,
                     const char *name,
                     JsonNode   *payload)
{
  g_autofree char *compact = NULL;

  if (json)
    return format_json_line (JD_CLI_KIND_EVENT, name, payload);
  compact = payload != NULL ? jd_cli_json_to_compact (payload) : g_strdup ("{}");
  return g_strdup_printf ("Received %s event: %s", name, compact);
}

char *
jd_cli_format_rejected (gboolean    json,
                        const char *name,
                        const char *code,
                        const char *message,
                        JsonNode   *payload)
{
  if (json)
    {
      g_autoptr(JsonNode) fallback = NULL;

      if (payload == NULL)
        {
          JsonObject *object = json_object_new ();

          json_object_set_string_member (object, "code", code);
          json_object_set_string_member (object, "message", message != NULL ? message : "");
          fallback = json_node_init_object (json_node_alloc (), object);
          payload = fallback;
        }
      return format_json_line (JD_CLI_KIND_REJECTED, name, payload);
    }
  return g_strdup_printf ("%s rejected: %s: %s", name, code,
                          message != NULL ? message : "");
}

static void
print_line (FILE       *stream,
            const char *line)
{
  fputs (line, stream);
  fputc ('\n', stream);
  fflush (stream);
}

void
jd_cli_output_response (JdCliOutput *self,
                        const char  *name,
                        JsonNode    *payload)
{
  g_autofree char *line = jd_cli_format_response (self->json, name, payload);

  print_line (self->out, line);
}

void
jd_cli_output_event (JdCliOutput *self,
                     const char  *name,
                     JsonNode    *payload)
{
  g_autofree char *line = jd_cli_format_event (self->json, name, payload);

  print_line (self->out, line);
}

void
jd_cli_output_rejected (JdCliOutput *self,
                        const char  *name,
                        const char  *code,
                        const char  *message,
                        JsonNode    *payload)
{
  g_autofree char *line = jd_cli_format_rejected (self->json, name, code, message, payload);

  print_line (self->out, line);
}

void
jd_cli_output_failed (JdCliOutput *self,
                      const char  *name,
                      const char  *message)
{
  if (self->json)
    {
      g_autoptr(JsonNode) payload = message_node ("message", message);
      g_autofree char *line = format_json_line (JD_CLI_KIND_FAILED, name, payload);

      print_line (self->out, line);
    }
  else
    {
      g_autofree char *line = g_strdup_printf ("%s failed: %s", name, message);

      print_line (self->err, line);
    }
}

void
jd_cli_output_usage (JdCliOutput *self,
                     const char  *message)
{
  if (self->json)
    {
      g_autoptr(JsonNode) payload = message_node ("message", message);
      g_autofree char *line = format_json_line (JD_CLI_KIND_USAGE, "usage", payload);

      print_line (self->out, line);
    }
  else
    {
      g_autofree char *line = g_strdup_printf ("%s (type “help” for the commands)", message);

      print_line (self->err, line);
    }
}

void
jd_cli_output_text (JdCliOutput *self,
                    const char  *name,
                    const char  *text)
{
  if (self->json)
    {
      g_autoptr(JsonNode) payload = json_node_init_string (json_node_alloc (), text);
      g_autofree char *line = format_json_line (JD_CLI_KIND_TEXT, name, payload);

      print_line (self->out, line);
    }
  else
    {
      fputs (text, self->out);
      if (!g_str_has_suffix (text, "\n"))
        fputc ('\n', self->out);
      fflush (self->out);
    }
}

void
jd_cli_output_note (JdCliOutput *self,
                    const char  *format,
                    ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (self->json)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  print_line (self->err, text);
}
