/* jd-job-template.c — job templates' rules and AWS's managed templates as
 * data (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-job-template"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "jd-job-template.h"
#include "jd-jobs-error.h"

/* The two optional parameters every runHandler template has; AWS publishes
 * their regex with AWS-Download-File. */
#define RUN_AS_USER \
  { "runAsUser", "Run the handler as this user; empty: the user the Device Client runs as.", \
    "(.){0,256}", "user1", TRUE }
#define PATH_TO_HANDLER \
  { "pathToHandler", "The folder that holds the handler; empty: the Device Client's working directory.", \
    "(.){0,4096}", "/path/to/handler/script", TRUE }

/* A runHandler document: one step, the handler's arguments as placeholders. */
#define HANDLER_DOCUMENT(step, handler, args) \
  "{\"version\":\"1.0\",\"steps\":[{\"action\":{\"name\":\"" step "\",\"type\":\"runHandler\"," \
  "\"input\":{\"handler\":\"" handler "\"" args ",\"path\":\"${aws:iot:parameter:pathToHandler}\"}," \
  "\"runAsUser\":\"${aws:iot:parameter:runAsUser}\"}}]}"
#define ARGS1(a) ",\"args\":[\"${aws:iot:parameter:" a "}\"]"
#define ARGS2(a, b) ",\"args\":[\"${aws:iot:parameter:" a "}\",\"${aws:iot:parameter:" b "}\"]"

static const JdTemplateParameter download_file_parameters[] = {
  { "downloadUrl", "The URL of the file to download.", "(.*?)", "http://www.example.com/index.html", FALSE },
  { "filePath", "The path on the device where the downloaded file is written.", "(.*?)", "/path/to/file", FALSE },
  RUN_AS_USER,
  PATH_TO_HANDLER,
};

static const JdTemplateParameter packages_parameters[] = {
  { "packages", "A space-separated list of the packages.", "(.*?)", "mosquitto telnet", FALSE },
  RUN_AS_USER,
  PATH_TO_HANDLER,
};

static const JdTemplateParameter services_parameters[] = {
  { "services", "A space-separated list of the services.", "(.*?)", "ssh mosquitto", FALSE },
  RUN_AS_USER,
  PATH_TO_HANDLER,
};

static const JdTemplateParameter handler_only_parameters[] = {
  RUN_AS_USER,
  PATH_TO_HANDLER,
};

static const JdTemplateParameter run_command_parameters[] = {
  { "command", "A comma-separated list of the command and its arguments; a literal comma is escaped with a backslash.",
    "(.*?)", "ls,-l,/tmp", FALSE },
  RUN_AS_USER,
};

#define PARAMS(array) array, G_N_ELEMENTS (array)

/* In name order (ListManagedJobTemplates pages by name). */
static const JdManagedTemplate managed[] = {
  { "AWS-Download-File", "1.0", "A managed job template for downloading a file.",
    HANDLER_DOCUMENT ("Download-File", "download-file.sh", ARGS2 ("downloadUrl", "filePath")),
    PARAMS (download_file_parameters) },
  { "AWS-Install-Application", "1.0", "A managed job template for installing one or more applications.",
    HANDLER_DOCUMENT ("Install-Application", "install-packages.sh", ARGS1 ("packages")),
    PARAMS (packages_parameters) },
  { "AWS-Reboot", "1.0", "A managed job template for rebooting the device.",
    HANDLER_DOCUMENT ("Reboot", "reboot.sh", ""),
    PARAMS (handler_only_parameters) },
  { "AWS-Remove-Application", "1.0", "A managed job template for uninstalling one or more applications.",
    HANDLER_DOCUMENT ("Remove-Application", "remove-packages.sh", ARGS1 ("packages")),
    PARAMS (packages_parameters) },
  { "AWS-Restart-Application", "1.0", "A managed job template for restarting one or more services.",
    HANDLER_DOCUMENT ("Restart-Application", "restart-services.sh", ARGS1 ("services")),
    PARAMS (services_parameters) },
  { "AWS-Run-Command", "1.0", "A managed job template for running a command.",
    "{\"version\":\"1.0\",\"steps\":[{\"action\":{\"name\":\"Run-Command\",\"type\":\"runCommand\","
    "\"input\":{\"command\":\"${aws:iot:parameter:command}\"},"
    "\"runAsUser\":\"${aws:iot:parameter:runAsUser}\"}}]}",
    PARAMS (run_command_parameters) },
  { "AWS-Start-Application", "1.0", "A managed job template for starting one or more services.",
    HANDLER_DOCUMENT ("Start-Application", "start-services.sh", ARGS1 ("services")),
    PARAMS (services_parameters) },
  { "AWS-Stop-Application", "1.0", "A managed job template for stopping one or more services.",
    HANDLER_DOCUMENT ("Stop-Application", "stop-services.sh", ARGS1 ("services")),
    PARAMS (services_parameters) },
};

static const char *const environments[] = { "LINUX", NULL };

const JdManagedTemplate *
jd_managed_templates (guint *n_templates)
{
  g_return_val_if_fail (n_templates != NULL, NULL);

  *n_templates = G_N_ELEMENTS (managed);
  return managed;
}

const JdManagedTemplate *
jd_managed_template_find (const char *name,
                          const char *version)
{
  g_return_val_if_fail (name != NULL, NULL);

  /* One version of each today; the default is the only one. */
  for (guint i = 0; i < G_N_ELEMENTS (managed); i++)
    if (strcmp (managed[i].name, name) == 0 && (version == NULL || strcmp (managed[i].version, version) == 0))
      return &managed[i];
  return NULL;
}

const char *const *
jd_managed_template_environments (void)
{
  return environments;
}

char *
jd_managed_template_arn (const JdManagedTemplate *template_,
                         const char              *region)
{
  g_return_val_if_fail (template_ != NULL && region != NULL, NULL);

  return g_strdup_printf ("arn:aws:iot:%s::jobtemplate/%s:%s", region, template_->name, template_->version);
}

char *
jd_job_template_arn (const char *region,
                     const char *account_id,
                     const char *template_id)
{
  g_return_val_if_fail (region != NULL && account_id != NULL && template_id != NULL, NULL);

  return g_strdup_printf ("arn:aws:iot:%s:%s:jobtemplate/%s", region, account_id, template_id);
}

gboolean
jd_rules_is_valid_job_template_id (const char *template_id)
{
  gsize len;

  if (template_id == NULL)
    return FALSE;
  len = strlen (template_id);
  if (len == 0 || len > JD_JOB_TEMPLATE_ID_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (template_id[i]) && template_id[i] != '_' && template_id[i] != '-')
      return FALSE;
  return TRUE;
}

gboolean
jd_rules_is_valid_managed_template_version (const char *version)
{
  const char *p = version;

  /* ^[1-9]+.[0-9]+ — the dot is any character in AWS's pattern. */
  if (p == NULL || *p < '1' || *p > '9')
    return FALSE;
  while (*p >= '1' && *p <= '9')
    p++;
  if (*p == '\0')
    return FALSE;
  p = g_utf8_next_char (p);
  return *p >= '0' && *p <= '9';
}

gboolean
jd_job_template_parse_arn (const char  *arn,
                           char       **region,
                           char       **account_id,
                           char       **name,
                           char       **version,
                           GError     **error)
{
  g_auto(GStrv) parts = NULL;
  const char *resource;

  g_return_val_if_fail (arn != NULL, FALSE);

  *region = *account_id = *name = *version = NULL;
  parts = g_strsplit (arn, ":", 6);
  if (g_strv_length (parts) != 6 || strcmp (parts[0], "arn") != 0 || strcmp (parts[2], "iot") != 0
      || parts[3][0] == '\0' || !g_str_has_prefix (parts[5], "jobtemplate/"))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   "%s is not a job template ARN (arn:aws:iot:REGION:ACCOUNT:jobtemplate/ID, or "
                   "arn:aws:iot:REGION::jobtemplate/NAME:VERSION for a managed template)", arn);
      return FALSE;
    }
  resource = parts[5] + strlen ("jobtemplate/");
  if (parts[4][0] == '\0')
    {
      const char *colon = strrchr (resource, ':');

      if (colon == NULL || colon == resource || colon[1] == '\0')
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                       "%s names a managed template without its version (jobtemplate/NAME:VERSION)", arn);
          return FALSE;
        }
      *name = g_strndup (resource, colon - resource);
      *version = g_strdup (colon + 1);
    }
  else
    {
      if (!jd_rules_is_valid_job_template_id (resource))
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                       "%s does not end in a job template id ([a-zA-Z0-9_-]{1,64})", arn);
          return FALSE;
        }
      *account_id = g_strdup (parts[4]);
      *name = g_strdup (resource);
    }
  *region = g_strdup (parts[3]);
  return TRUE;
}

static gboolean
is_valid_key (const char *key)
{
  gsize len = strlen (key);

  if (len == 0 || len > JD_DOCUMENT_PARAMETER_KEY_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '_' && key[i] != '-')
      return FALSE;
  return TRUE;
}

typedef enum {
  VALUE_OK,
  VALUE_EMPTY,
  VALUE_TOO_LONG,
  VALUE_CONTROL,
} ValueProblem;

/* The model's `[^\p{C}]+`, 1–30720 characters: no control, format,
 * private-use, surrogate or unassigned character. The one place this rule
 * lives, for the service (substitute) and the New Job dialog (check_value). */
static ValueProblem
value_problem (const char *value)
{
  glong n = 0;

  if (value[0] == '\0')
    return VALUE_EMPTY;
  if (!g_utf8_validate (value, -1, NULL))
    return VALUE_CONTROL;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p), n++)
    switch (g_unichar_type (g_utf8_get_char (p)))
      {
      case G_UNICODE_CONTROL:
      case G_UNICODE_FORMAT:
      case G_UNICODE_UNASSIGNED:
      case G_UNICODE_PRIVATE_USE:
      case G_UNICODE_SURROGATE:
        return VALUE_CONTROL;
      default:
        break;
      }
  return n <= JD_DOCUMENT_PARAMETER_VALUE_MAX ? VALUE_OK : VALUE_TOO_LONG;
}

static gboolean
is_valid_value (const char *value)
{
  return value_problem (value) == VALUE_OK;
}

static gboolean
matches_whole (const char *regex,
               const char *value)
{
  g_autofree char *anchored = g_strdup_printf ("^(?:%s)$", regex);
  g_autoptr(GRegex) compiled = g_regex_new (anchored, G_REGEX_OPTIMIZE, 0, NULL);

  g_assert (compiled != NULL);
  return g_regex_match (compiled, value, 0, NULL);
}

static const JdTemplateParameter *
find_parameter (const JdManagedTemplate *template_,
                const char              *key)
{
  for (guint i = 0; i < template_->n_parameters; i++)
    if (strcmp (template_->parameters[i].key, key) == 0)
      return &template_->parameters[i];
  return NULL;
}

char *
jd_managed_template_substitute (const JdManagedTemplate *template_,
                                JsonObject              *parameters,
                                GError                 **error)
{
  g_autoptr(GString) document = NULL;

  g_return_val_if_fail (template_ != NULL, NULL);

  if (parameters != NULL)
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *node;

      json_object_iter_init (&iter, parameters);
      while (json_object_iter_next (&iter, &key, &node))
        {
          const JdTemplateParameter *parameter;
          const char *value;

          if (!is_valid_key (key))
            {
              g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                           "1 validation error detected: Value at 'documentParameters' failed to satisfy constraint: "
                           "Map keys must satisfy constraint: [Member must have length less than or equal to 128, "
                           "Member must have length greater than or equal to 1, "
                           "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+]");
              return NULL;
            }
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            {
              g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                           "The value of document parameter %s must be a string", key);
              return NULL;
            }
          value = json_node_get_string (node);
          if (!is_valid_value (value))
            {
              g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                           "1 validation error detected: Value at 'documentParameters.%s' failed to satisfy constraint: "
                           "Member must have length between 1 and 30720 and satisfy regular expression pattern: [^\\p{C}]+",
                           key);
              return NULL;
            }
          parameter = find_parameter (template_, key);
          if (parameter == NULL)
            {
              g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                           "The document parameter %s is not a parameter of the managed template %s", key,
                           template_->name);
              return NULL;
            }
          if (!matches_whole (parameter->regex, value))
            {
              g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                           "The value of document parameter %s does not match its pattern %s", key,
                           parameter->regex);
              return NULL;
            }
        }
    }

  for (guint i = 0; i < template_->n_parameters; i++)
    if (!template_->parameters[i].optional
        && (parameters == NULL || !json_object_has_member (parameters, template_->parameters[i].key)))
      {
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                     "The managed template %s needs the document parameter %s", template_->name,
                     template_->parameters[i].key);
        return NULL;
      }

  document = g_string_new (template_->document);
  for (guint i = 0; i < template_->n_parameters; i++)
    {
      const JdTemplateParameter *parameter = &template_->parameters[i];
      g_autofree char *placeholder = g_strconcat (JD_DOCUMENT_PARAMETER_PREFIX, parameter->key, "}", NULL);
      const char *value = parameters != NULL
                          ? json_object_get_string_member_with_default (parameters, parameter->key, "") : "";
      g_autoptr(JsonNode) string_node = json_node_init_string (json_node_alloc (), value);
      g_autofree char *quoted = json_to_string (string_node, FALSE);
      g_autofree char *escaped = NULL;

      /* The placeholder stands inside a JSON string: the value goes in
       * JSON-escaped, without its quotes. */
      escaped = g_strndup (quoted + 1, strlen (quoted) - 2);
      g_string_replace (document, placeholder, escaped, 0);
    }
  return g_string_free (g_steal_pointer (&document), FALSE);
}

/**
 * jd_managed_template_check_value:
 * @parameter: one of a managed template's parameters
 * @value: (nullable): what the user typed; %NULL or "" leaves it out
 *
 * The rules jd_managed_template_substitute() applies to one value, said for
 * a person typing it: an omitted value is fine only when the parameter is
 * optional; a given one has 1–30720 characters, none of them a control or
 * invisible character, and matches the parameter's regex as a whole.
 *
 * Returns: %TRUE when @value may be sent; otherwise @error
 *   (JD_JOBS_ERROR_INVALID_REQUEST) says why, in words
 */
gboolean
jd_managed_template_check_value (const JdTemplateParameter *parameter,
                                 const char                *value,
                                 GError                   **error)
{
  g_return_val_if_fail (parameter != NULL, FALSE);

  switch (value_problem (value != NULL ? value : ""))
    {
    case VALUE_EMPTY:
      if (parameter->optional)
        return TRUE;
      /* Translators: %s is a job template's parameter name, e.g. "command" */
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST, _("Enter a value for %s"), parameter->key);
      return FALSE;
    case VALUE_TOO_LONG:
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   _("A parameter value has at most %u characters"), (guint) JD_DOCUMENT_PARAMETER_VALUE_MAX);
      return FALSE;
    case VALUE_CONTROL:
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                           _("A parameter value cannot hold line breaks, tabs or other control characters"));
      return FALSE;
    case VALUE_OK:
    default:
      break;
    }
  if (!matches_whole (parameter->regex, value))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   /* Translators: %s is a regular expression, e.g. "(.){0,256}" */
                   _("The value does not match the parameter’s pattern %s"), parameter->regex);
      return FALSE;
    }
  return TRUE;
}
