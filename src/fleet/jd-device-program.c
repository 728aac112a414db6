/* jd-device-program.c — job documents read as the AWS IoT Device Client
 * reads them (shared/reference/fleet-jobs-api.md §11).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-device-program"

#include <string.h>

#include "jd-device-program.h"

static void
step_free (gpointer data)
{
  JdDeviceStep *step = data;

  g_free (step->name);
  g_free (step->type);
  g_free (step->what);
  g_free (step->command_line);
  g_free (step);
}

void
jd_device_program_free (JdDeviceProgram *program)
{
  if (program == NULL)
    return;
  g_free (program->schema);
  g_ptr_array_unref (program->steps);
  g_free (program);
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
fail (char      **problem,
      const char *what)
{
  if (problem != NULL && *problem == NULL)
    *problem = g_strdup (what);
  return FALSE;
}

/* The Device Client splits a runCommand on commas (`\,` a literal comma) and
 * trims each token; the first token may not contain white space. */
static gboolean
split_command (const char *command,
               GPtrArray  *argv)
{
  GString *token = g_string_new (NULL);

  for (const char *p = command; ; p++)
    {
      if (*p == '\\' && p[1] == ',')
        {
          g_string_append_c (token, ',');
          p++;
        }
      else if (*p == ',' || *p == '\0')
        {
          g_ptr_array_add (argv, g_strstrip (g_string_free (token, FALSE)));
          if (*p == '\0')
            break;
          token = g_string_new (NULL);
        }
      else
        g_string_append_c (token, *p);
    }

  if (argv->len == 0 || ((char *) argv->pdata[0])[0] == '\0')
    return FALSE;
  for (const char *c = argv->pdata[0]; *c != '\0'; c++)
    if (g_ascii_isspace (*c))
      return FALSE;
  return TRUE;
}

static gboolean
parse_action (JsonNode      *node,
              gboolean       is_final,
              JdDeviceStep **out,
              char         **problem)
{
  JsonObject *step_object, *action, *input;
  JsonNode *action_node, *input_node, *ignore;
  const char *name, *type;
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  JdDeviceStep *step;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (problem, "a step is not an object");
  step_object = json_node_get_object (node);
  action_node = json_object_get_member (step_object, "action");
  if (action_node == NULL || !JSON_NODE_HOLDS_OBJECT (action_node))
    return fail (problem, "a step has no action");
  action = json_node_get_object (action_node);

  name = get_string (action, "name");
  type = get_string (action, "type");
  input_node = json_object_get_member (action, "input");
  if (name == NULL || name[0] == '\0')
    return fail (problem, "an action has no name");
  if (type == NULL || (strcmp (type, "runHandler") != 0 && strcmp (type, "runCommand") != 0))
    return fail (problem, "an action's type is neither runHandler nor runCommand");
  if (input_node == NULL || !JSON_NODE_HOLDS_OBJECT (input_node))
    return fail (problem, "an action has no input");
  input = json_node_get_object (input_node);

  if (strcmp (type, "runHandler") == 0)
    {
      const char *handler = get_string (input, "handler");
      JsonNode *args = json_object_get_member (input, "args");

      if (handler == NULL || handler[0] == '\0')
        return fail (problem, "a runHandler action has no handler");
      g_ptr_array_add (words, g_strdup (handler));
      if (args != NULL && !JSON_NODE_HOLDS_NULL (args))
        {
          if (!JSON_NODE_HOLDS_ARRAY (args))
            return fail (problem, "a runHandler action's args is not a list");
          for (guint i = 0; i < json_array_get_length (json_node_get_array (args)); i++)
            {
              JsonNode *arg = json_array_get_element (json_node_get_array (args), i);

              if (!JSON_NODE_HOLDS_VALUE (arg) || json_node_get_value_type (arg) != G_TYPE_STRING)
                return fail (problem, "a runHandler action's args are not all strings");
              g_ptr_array_add (words, g_strdup (json_node_get_string (arg)));
            }
        }
    }
  else
    {
      const char *command = get_string (input, "command");

      if (command == NULL || !split_command (command, words))
        return fail (problem, "a runCommand action has no command, or its first word has white space");
    }

  step = g_new0 (JdDeviceStep, 1);
  step->name = g_strdup (name);
  step->type = g_strdup (type);
  step->what = g_strdup (words->pdata[0]);
  g_ptr_array_add (words, NULL);
  step->command_line = g_strjoinv (" ", (char **) words->pdata);
  ignore = json_object_get_member (action, "ignoreStepFailure");
  step->ignore_failure = ignore != NULL && JSON_NODE_HOLDS_VALUE (ignore) &&
                         json_node_get_value_type (ignore) == G_TYPE_STRING &&
                         g_strcmp0 (json_node_get_string (ignore), "true") == 0;
  step->is_final = is_final;
  *out = step;
  return TRUE;
}

static gboolean
check_conditions (JsonNode *node,
                  char    **problem)
{
  JsonArray *list;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (problem, "conditions is not a list");
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *c = json_array_get_element (list, i);
      JsonNode *value;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (c) || get_string (json_node_get_object (c), "key") == NULL)
        return fail (problem, "a condition has no key");
      value = json_object_get_member (json_node_get_object (c), "value");
      if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
        return fail (problem, "a condition's value is not a list");
      type = get_string (json_node_get_object (c), "type");
      if (type != NULL && strcmp (type, "stringEqual") != 0)
        return fail (problem, "a condition's type is not stringEqual");
    }
  return TRUE;
}

JdDeviceProgram *
jd_device_program_parse (JsonNode  *document,
                         char     **problem)
{
  g_autoptr(JdDeviceProgram) program = g_new0 (JdDeviceProgram, 1);
  JsonObject *root;
  const char *version;

  if (problem != NULL)
    *problem = NULL;
  program->steps = g_ptr_array_new_with_free_func (step_free);

  if (document == NULL || !JSON_NODE_HOLDS_OBJECT (document))
    {
      fail (problem, "the document is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (document);
  version = get_string (root, "version");
  program->include_stdout = g_strcmp0 (get_string (root, "includeStdOut"), "true") == 0;

  if (json_object_has_member (root, "version"))
    {
      JsonNode *steps = json_object_get_member (root, "steps");
      JsonNode *final = json_object_get_member (root, "finalStep");

      if (version == NULL || version[0] == '\0')
        {
          fail (problem, "version is empty");
          return NULL;
        }
      program->schema = g_strdup (version);
      if (steps == NULL || !JSON_NODE_HOLDS_ARRAY (steps) ||
          json_array_get_length (json_node_get_array (steps)) == 0)
        {
          fail (problem, "the document has no steps");
          return NULL;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (steps)); i++)
        {
          JdDeviceStep *step = NULL;

          if (!parse_action (json_array_get_element (json_node_get_array (steps), i), FALSE, &step, problem))
            return NULL;
          g_ptr_array_add (program->steps, step);
        }
      if (final != NULL && !JSON_NODE_HOLDS_NULL (final))
        {
          JdDeviceStep *step = NULL;

          if (!parse_action (final, TRUE, &step, problem))
            return NULL;
          g_ptr_array_add (program->steps, step);
        }
      if (!check_conditions (json_object_get_member (root, "conditions"), problem))
        return NULL;
    }
  else
    {
      /* Legacy: one runHandler step named after `operation`. */
      const char *operation = get_string (root, "operation");
      JsonNode *args = json_object_get_member (root, "args");
      GString *line;
      JdDeviceStep *step;

      if (operation == NULL || operation[0] == '\0')
        {
          fail (problem, "the document has neither version nor operation");
          return NULL;
        }
      program->schema = g_strdup ("0.0");
      line = g_string_new (operation);
      if (args != NULL && JSON_NODE_HOLDS_ARRAY (args))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (args)); i++)
          {
            JsonNode *arg = json_array_get_element (json_node_get_array (args), i);

            if (JSON_NODE_HOLDS_VALUE (arg) && json_node_get_value_type (arg) == G_TYPE_STRING)
              g_string_append_printf (line, " %s", json_node_get_string (arg));
          }
      step = g_new0 (JdDeviceStep, 1);
      step->name = g_strdup (operation);
      step->type = g_strdup ("runHandler");
      step->what = g_strdup (operation);
      step->command_line = g_string_free (line, FALSE);
      g_ptr_array_add (program->steps, step);
    }

  return g_steal_pointer (&program);
}

char *
jd_device_program_tail (const char *text,
                        gsize       max)
{
  g_autoptr(GString) clean = NULL;
  const char *start;

  g_return_val_if_fail (text != NULL, NULL);

  /* statusDetails values take no control characters ([^\p{C}]+): lines are
   * joined with " | ", other controls become spaces. */
  clean = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        {
          if (p[1] != '\0')
            g_string_append (clean, " | ");
        }
      else if ((guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_c (clean, ' ');
      else
        g_string_append_c (clean, *p);
    }

  if (clean->len <= max)
    return g_strdup (clean->str);
  start = clean->str + clean->len - max;
  /* Do not start in the middle of a character. */
  while (*start != '\0' && (((guchar) *start) & 0xC0) == 0x80)
    start++;
  return g_strdup (start);
}
