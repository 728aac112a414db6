/* jd-control-plane-templates.c — job templates (CreateJobTemplate,
 * DescribeJobTemplate, ListJobTemplates, DeleteJobTemplate), AWS's managed
 * templates (ListManagedJobTemplates, DescribeManagedJobTemplate), CreateJob
 * with jobTemplateArn and documentParameters, and the event configurations
 * (UpdateEventConfigurations, DescribeEventConfigurations). Paths and shapes
 * follow the botocore model; choices are in src/service/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service-http"

#include <string.h>

#include "jd-control-plane-templates.h"
#include "jd-job-template.h"
#include "jd-jobs-error.h"
#include "jd-service-error.h"
#include "jd-service-json.h"

/* The members of a CreateJob body a custom template supplies. */
static const char *const template_settings[] = {
  "presignedUrlConfig", "jobExecutionsRolloutConfig", "abortConfig", "timeoutConfig",
  "jobExecutionsRetryConfig", NULL
};

struct _CpTemplateUse
{
  char       *arn;
  JsonObject *document_parameters;  /* nullable */
  char       *document_before;      /* nullable */
};

void
cp_template_use_free (CpTemplateUse *use)
{
  if (use == NULL)
    return;
  g_free (use->arn);
  g_clear_pointer (&use->document_parameters, json_object_unref);
  g_free (use->document_before);
  g_free (use);
}

/* ---- helpers ---- */

static gboolean
check_template_id (Request    *r,
                   const char *template_id)
{
  if (jd_rules_is_valid_job_template_id (template_id))
    return TRUE;
  return cp_invalid (r, "1 validation error detected: Value '%s' at 'jobTemplateId' failed to satisfy constraint: "
                     "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+ and have length between 1 and 64",
                     template_id);
}

/* `[^\p{C}]+` (descriptions of templates). */
static gboolean
has_no_control (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT || type == G_UNICODE_UNASSIGNED
          || type == G_UNICODE_PRIVATE_USE || type == G_UNICODE_SURROGATE)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_document (Request    *r,
                const char *document)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, document, -1, NULL)
      || json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return cp_invalid (r, "The job document must be a valid JSON object");
  return TRUE;
}

/* An optional array member, as JSON text (NULL when absent). */
static gboolean
body_array_text (Request     *r,
                 const char  *name,
                 guint        max_length,
                 char       **text)
{
  JsonNode *node = json_object_get_member (r->json, name);

  *text = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return cp_invalid (r, "Value for '%s' must be a list", name);
  if (max_length > 0 && json_array_get_length (json_node_get_array (node)) > max_length)
    return cp_invalid (r, "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                       "Member must have length less than or equal to %u", name, max_length);
  *text = json_to_string (node, FALSE);
  return TRUE;
}

/* The settings of a stored config in AWS's shapes, as one object. */
static JsonObject *
config_to_object (const char *config_text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JdJobConfig) config = NULL;
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (config_text != NULL && (config = jd_job_config_deserialize (config_text, NULL)) != NULL)
    jd_job_config_to_json (config, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_object_ref (json_node_get_object (root));
}

/* arn:aws:iot:REGION:ACCOUNT:job/ID of this account and region → the id. */
static gboolean
parse_job_arn (Request     *r,
               const char  *arn,
               char       **job_id)
{
  g_auto(GStrv) parts = g_strsplit (arn, ":", 6);

  *job_id = NULL;
  if (g_strv_length (parts) != 6 || strcmp (parts[0], "arn") != 0 || strcmp (parts[2], "iot") != 0
      || !g_str_has_prefix (parts[5], "job/"))
    return cp_invalid (r, "%s is not a job ARN (arn:aws:iot:REGION:ACCOUNT:job/ID)", arn);
  if (strcmp (parts[3], r->self->region) != 0 || strcmp (parts[4], r->self->account_id) != 0)
    return cp_reply_error (r, 404, "ResourceNotFoundException", "The job %s does not exist.", arn);
  *job_id = g_strdup (parts[5] + strlen ("job/"));
  return cp_check_job_id (r, *job_id);
}

static void
add_string_array (JsonBuilder       *builder,
                  const char        *name,
                  const char *const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_json_text (JsonBuilder *builder,
               const char  *name,
               const char  *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
}

/* ---- custom templates ---- */

gboolean
cp_op_create_job_template (Request    *r,
                           const char *template_id)
{
  const JdCpContext *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJobTemplate) created = NULL;
  g_autoptr(JdStoreJob) source_job = NULL;
  g_autoptr(JdJobConfig) config = NULL;
  g_autoptr(JsonObject) settings = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *arn = NULL;
  g_autofree char *config_text = NULL;
  g_autofree char *windows = NULL;
  g_autofree char *packages = NULL;
  g_autofree char *source_id = NULL;
  JdStoreJobTemplate spec = { 0 };
  const char *job_arn = NULL;
  const char *document = NULL;
  const char *document_source = NULL;
  const char *description = NULL;

  if (!check_template_id (r, template_id)
      || !cp_body_string (r, "jobArn", 2048, &job_arn)
      || !cp_body_string (r, "document", MAX_DOCUMENT, &document)
      || !cp_body_string (r, "documentSource", 1350, &document_source)
      || !cp_body_string (r, "description", MAX_DESCRIPTION, &description)
      || !body_array_text (r, "maintenanceWindows", 0, &windows)
      || !body_array_text (r, "destinationPackageVersions", 25, &packages))
    return FALSE;
  if (description == NULL)
    return cp_invalid (r, "1 validation error detected: Value null at 'description' failed to satisfy constraint: "
                       "Member must not be null");
  if (!has_no_control (description))
    return cp_invalid (r, "1 validation error detected: Value at 'description' failed to satisfy constraint: "
                       "Member must satisfy regular expression pattern: [^\\p{C}]+");
  if (document_source != NULL)
    return cp_invalid (r, "documentSource (%s) cannot be read by the local sandbox; pass the document itself",
                       document_source);
  if (document != NULL && !check_document (r, document))
    return FALSE;

  /* From a job: its document and settings, the request's members winning. */
  settings = json_object_new ();
  if (job_arn != NULL)
    {
      if (!parse_job_arn (r, job_arn, &source_id))
        return FALSE;
      source_job = jd_store_get_job (self->store, source_id, &error);
      if (source_job == NULL)
        return cp_reply_gerror (r, error, NULL, NULL);
      g_clear_pointer (&settings, json_object_unref);
      settings = config_to_object (source_job->config);
      if (source_job->in_progress_timeout_minutes > 0 && !json_object_has_member (settings, "timeoutConfig"))
        {
          JsonObject *timeout = json_object_new ();

          json_object_set_int_member (timeout, "inProgressTimeoutInMinutes", source_job->in_progress_timeout_minutes);
          json_object_set_object_member (settings, "timeoutConfig", timeout);
        }
      if (document == NULL)
        document = source_job->document;
    }
  else if (document == NULL)
    return cp_invalid (r, "Either document, documentSource or jobArn must be specified");
  for (guint i = 0; template_settings[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (r->json, template_settings[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        json_object_set_member (settings, template_settings[i], json_node_copy (node));
    }
  config = jd_job_config_parse_aws (settings, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (config == NULL)
    return cp_invalid (r, "%s", error->message);
  /* The timeout too: a template keeps every setting in the config. */
  config_text = jd_job_config_serialize (config);

  spec.template_id = (char *) template_id;
  spec.description = (char *) description;
  spec.document = (char *) document;
  spec.config = config_text;
  spec.maintenance_windows = windows;
  spec.destination_package_versions = packages;
  arn = jd_job_template_arn (self->region, self->account_id, template_id);
  created = jd_store_create_job_template (self->store, &spec, &error);
  if (created == NULL)
    {
      if (g_error_matches (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS))
        {
          cp_reply_error_full (r, 409, "ConflictException", error->message, template_id, NULL);
          return FALSE;
        }
      return cp_reply_gerror (r, error, NULL, NULL);
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobTemplateArn", arn);
  jd_service_json_add_string (builder, "jobTemplateId", template_id);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_describe_job_template (Request    *r,
                             const char *template_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJobTemplate) template_ = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JdJobConfig) config = NULL;
  g_autofree char *arn = NULL;

  if (!check_template_id (r, template_id))
    return FALSE;
  template_ = jd_store_get_job_template (r->self->store, template_id, &error);
  if (template_ == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  arn = jd_job_template_arn (r->self->region, r->self->account_id, template_id);
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobTemplateArn", arn);
  jd_service_json_add_string (builder, "jobTemplateId", template_->template_id);
  jd_service_json_add_string (builder, "description", template_->description);
  jd_service_json_add_string (builder, "documentSource", template_->document_source);
  jd_service_json_add_string (builder, "document", template_->document);
  jd_service_json_add_int (builder, "createdAt", template_->created_at);
  if (template_->config != NULL && (config = jd_job_config_deserialize (template_->config, NULL)) != NULL)
    jd_job_config_to_json (config, builder);
  add_json_text (builder, "maintenanceWindows", template_->maintenance_windows);
  add_json_text (builder, "destinationPackageVersions", template_->destination_package_versions);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_list_job_templates (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  gboolean more = FALSE;
  guint limit = 0;

  if (!cp_page_params (r, &limit, &after))
    return FALSE;
  templates = jd_store_list_job_templates (r->self->store, after, limit, &more, &error);
  if (templates == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jobTemplates");
  json_builder_begin_array (builder);
  for (guint i = 0; i < templates->len; i++)
    {
      JdStoreJobTemplate *template_ = g_ptr_array_index (templates, i);
      g_autofree char *arn = jd_job_template_arn (r->self->region, r->self->account_id, template_->template_id);

      json_builder_begin_object (builder);
      jd_service_json_add_string (builder, "jobTemplateArn", arn);
      jd_service_json_add_string (builder, "jobTemplateId", template_->template_id);
      jd_service_json_add_string (builder, "description", template_->description);
      jd_service_json_add_int (builder, "createdAt", template_->created_at);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  cp_add_next_token (builder, more, templates->len > 0
                     ? ((JdStoreJobTemplate *) g_ptr_array_index (templates, templates->len - 1))->template_id : NULL);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_delete_job_template (Request    *r,
                           const char *template_id)
{
  g_autoptr(GError) error = NULL;

  if (!check_template_id (r, template_id))
    return FALSE;
  if (!jd_store_delete_job_template (r->self->store, template_id, &error))
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_reply_empty (r);
  return TRUE;
}

/* ---- managed templates ---- */

static void
add_managed_summary (Request                 *r,
                     JsonBuilder             *builder,
                     const JdManagedTemplate *template_)
{
  g_autofree char *arn = jd_managed_template_arn (template_, r->self->region);

  jd_service_json_add_string (builder, "templateArn", arn);
  jd_service_json_add_string (builder, "templateName", template_->name);
  jd_service_json_add_string (builder, "description", template_->description);
  add_string_array (builder, "environments", jd_managed_template_environments ());
  jd_service_json_add_string (builder, "templateVersion", template_->version);
}

gboolean
cp_op_list_managed_job_templates (Request *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  const char *name = cp_query (r, "templateName");
  const JdManagedTemplate *templates;
  const char *last = NULL;
  guint n_templates, limit = 0, count = 0;
  gboolean more = FALSE;

  if (!cp_page_params (r, &limit, &after))
    return FALSE;
  if (name != NULL && (name[0] == '\0' || g_utf8_strlen (name, -1) > JD_MANAGED_TEMPLATE_NAME_MAX))
    return cp_invalid (r, "1 validation error detected: Value '%s' at 'templateName' failed to satisfy constraint: "
                       "Member must have length between 1 and 64", name);
  if (name != NULL && jd_managed_template_find (name, NULL) == NULL)
    return cp_reply_error (r, 404, "ResourceNotFoundException", "The managed template %s does not exist.", name);

  templates = jd_managed_templates (&n_templates);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "managedJobTemplates");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_templates; i++)
    {
      g_autofree char *key = g_strconcat (templates[i].name, ":", templates[i].version, NULL);

      if ((name != NULL && strcmp (templates[i].name, name) != 0) || (after != NULL && strcmp (key, after) <= 0))
        continue;
      if (count == limit)
        {
          more = TRUE;
          break;
        }
      json_builder_begin_object (builder);
      add_managed_summary (r, builder, &templates[i]);
      json_builder_end_object (builder);
      last = templates[i].name;
      count++;
    }
  json_builder_end_array (builder);
  if (more && last != NULL)
    {
      const JdManagedTemplate *t = jd_managed_template_find (last, NULL);
      g_autofree char *key = g_strconcat (t->name, ":", t->version, NULL);

      cp_add_next_token (builder, TRUE, key);
    }
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_describe_managed_job_template (Request    *r,
                                     const char *template_name)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *version = cp_query (r, "templateVersion");
  const JdManagedTemplate *template_;

  if (template_name[0] == '\0' || g_utf8_strlen (template_name, -1) > JD_MANAGED_TEMPLATE_NAME_MAX)
    return cp_invalid (r, "1 validation error detected: Value '%s' at 'templateName' failed to satisfy constraint: "
                       "Member must have length between 1 and 64", template_name);
  if (version != NULL && !jd_rules_is_valid_managed_template_version (version))
    return cp_invalid (r, "1 validation error detected: Value '%s' at 'templateVersion' failed to satisfy constraint: "
                       "Member must satisfy regular expression pattern: ^[1-9]+.[0-9]+", version);
  template_ = jd_managed_template_find (template_name, version);
  if (template_ == NULL)
    return cp_reply_error (r, 404, "ResourceNotFoundException", "The managed template %s%s%s does not exist.",
                           template_name, version != NULL ? " version " : "", version != NULL ? version : "");

  json_builder_begin_object (builder);
  add_managed_summary (r, builder, template_);
  json_builder_set_member_name (builder, "documentParameters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < template_->n_parameters; i++)
    {
      const JdTemplateParameter *parameter = &template_->parameters[i];

      json_builder_begin_object (builder);
      jd_service_json_add_string (builder, "key", parameter->key);
      jd_service_json_add_string (builder, "description", parameter->description);
      jd_service_json_add_string (builder, "regex", parameter->regex);
      jd_service_json_add_string (builder, "example", parameter->example);
      jd_service_json_add_bool (builder, "optional", parameter->optional);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  jd_service_json_add_string (builder, "document", template_->document);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

/* ---- CreateJob from a template ---- */

gboolean
cp_templates_prepare_job (Request        *r,
                          CpTemplateUse **use)
{
  const JdCpContext *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CpTemplateUse) result = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autofree char *region = NULL;
  g_autofree char *account = NULL;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;
  JsonNode *parameters_node = json_object_get_member (r->json, "documentParameters");
  JsonObject *parameters = NULL;
  const char *arn = NULL;
  const char *description;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  *use = NULL;
  if (!cp_body_string (r, "jobTemplateArn", JD_JOB_TEMPLATE_ARN_MAX, &arn))
    return FALSE;
  if (parameters_node != NULL && !JSON_NODE_HOLDS_NULL (parameters_node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (parameters_node))
        return cp_invalid (r, "Value for 'documentParameters' must be a map of strings");
      parameters = json_node_get_object (parameters_node);
    }
  if (arn == NULL)
    {
      if (parameters != NULL)
        return cp_invalid (r, "documentParameters can only be used when creating jobs from AWS managed templates");
      return TRUE;
    }
  for (const char *p = arn; *p != '\0'; p++)
    if (*p < '!' || *p > '~')
      return cp_invalid (r, "1 validation error detected: Value '%s' at 'jobTemplateArn' failed to satisfy constraint: "
                         "Member must satisfy regular expression pattern: ^arn:[!-~]+$", arn);
  if (!jd_job_template_parse_arn (arn, &region, &account, &name, &version, &error))
    return cp_invalid (r, "%s", error->message);
  if (strcmp (region, self->region) != 0 || (account != NULL && strcmp (account, self->account_id) != 0))
    return cp_reply_error (r, 404, "ResourceNotFoundException", "The job template %s does not exist.", arn);

  result = g_new0 (CpTemplateUse, 1);
  result->arn = g_strdup (arn);
  /* The request's members are copied over the template's. */
  merged = json_object_new ();
  if (account == NULL)
    {
      const JdManagedTemplate *template_ = jd_managed_template_find (name, version);
      g_autofree char *document = NULL;

      if (template_ == NULL)
        return cp_reply_error (r, 404, "ResourceNotFoundException", "The job template %s does not exist.", arn);
      if (json_object_has_member (r->json, "document") || json_object_has_member (r->json, "documentSource"))
        return cp_invalid (r, "A job created from the managed template %s takes its document from the template; "
                           "pass documentParameters instead of document or documentSource", template_->name);
      document = jd_managed_template_substitute (template_, parameters, &error);
      if (document == NULL)
        return cp_invalid (r, "%s", error->message);
      json_object_set_string_member (merged, "document", document);
      json_object_set_string_member (merged, "description", template_->description);
      result->document_before = g_strdup (template_->document);
      if (parameters != NULL)
        result->document_parameters = json_object_ref (parameters);
    }
  else
    {
      g_autoptr(JdStoreJobTemplate) template_ = NULL;
      g_autoptr(JsonObject) settings = NULL;

      if (parameters != NULL)
        return cp_invalid (r, "documentParameters can only be used when creating jobs from AWS managed templates");
      template_ = jd_store_get_job_template (self->store, name, &error);
      if (template_ == NULL)
        return cp_reply_gerror (r, error, NULL, NULL);
      settings = config_to_object (template_->config);
      json_object_iter_init (&iter, settings);
      while (json_object_iter_next (&iter, &member, &node))
        json_object_set_member (merged, member, json_node_copy (node));
      if (template_->document != NULL)
        json_object_set_string_member (merged, "document", template_->document);
      if (template_->document_source != NULL)
        json_object_set_string_member (merged, "documentSource", template_->document_source);
      json_object_set_string_member (merged, "description", template_->description);
    }
  json_object_iter_init (&iter, r->json);
  while (json_object_iter_next (&iter, &member, &node))
    if (!JSON_NODE_HOLDS_NULL (node))
      json_object_set_member (merged, member, json_node_copy (node));
  description = json_object_get_string_member_with_default (merged, "description", NULL);
  if (description != NULL && description[0] == '\0')
    json_object_remove_member (merged, "description");

  json_object_unref (r->json);
  r->json = g_steal_pointer (&merged);
  *use = g_steal_pointer (&result);
  return TRUE;
}

JdStoreJob *
cp_templates_create_job (Request              *r,
                         CpTemplateUse        *use,
                         const JdStoreJobSpec *spec,
                         GError              **error)
{
  if (use == NULL)
    return jd_store_create_job (r->self->store, spec, error);
  return jd_store_create_job_from_template (r->self->store, spec, use->arn, use->document_parameters,
                                            use->document_before, error);
}

void
cp_templates_add_job_members (Request    *r,
                              const char *job_id,
                              JsonObject *job)
{
  g_autoptr(JdStoreTemplateUse) use = jd_store_get_template_use (r->self->store, job_id, NULL);

  if (use == NULL)
    return;
  json_object_set_string_member (job, "jobTemplateArn", use->template_arn);
  if (use->document_parameters != NULL)
    json_object_set_object_member (job, "documentParameters", json_object_ref (use->document_parameters));
}

char *
cp_templates_document_before (Request    *r,
                              const char *job_id)
{
  g_autoptr(JdStoreTemplateUse) use = jd_store_get_template_use (r->self->store, job_id, NULL);

  return use != NULL ? g_strdup (use->document_before) : NULL;
}

/* ---- event configurations ---- */

gboolean
cp_op_update_event_configurations (Request *r)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_object_get_member (r->json, "eventConfigurations");
  const char *const *types = jd_store_event_types ();
  JsonObject *configurations;
  JsonObjectIter iter;
  const char *type;
  JsonNode *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      cp_reply_text (r, 200, "{}");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return cp_invalid (r, "Value for 'eventConfigurations' must be a map");
  configurations = json_node_get_object (node);
  json_object_iter_init (&iter, configurations);
  while (json_object_iter_next (&iter, &type, &value))
    {
      JsonNode *enabled;

      if (!g_strv_contains (types, type))
        {
          g_autofree char *joined = g_strjoinv (", ", (char **) types);

          return cp_invalid (r, "1 validation error detected: Value '%s' at 'eventConfigurations' failed to satisfy "
                             "constraint: Map keys must satisfy constraint: [Member must satisfy enum value set: [%s]]",
                             type, joined);
        }
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return cp_invalid (r, "Value for 'eventConfigurations.%s' must be a structure", type);
      enabled = json_object_get_member (json_node_get_object (value), "Enabled");
      if (enabled != NULL && !JSON_NODE_HOLDS_NULL (enabled)
          && (!JSON_NODE_HOLDS_VALUE (enabled) || json_node_get_value_type (enabled) != G_TYPE_BOOLEAN))
        return cp_invalid (r, "Value for 'eventConfigurations.%s.Enabled' must be a boolean", type);
    }
  if (!jd_store_update_event_configurations (r->self->store, configurations, &error))
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_reply_text (r, 200, "{}");
  return TRUE;
}

gboolean
cp_op_describe_event_configurations (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) configurations = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 created_at = 0, modified_at = 0;

  configurations = jd_store_get_event_configurations (r->self->store, &created_at, &modified_at, &error);
  if (configurations == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);
  json_builder_begin_object (builder);
  cp_add_object (builder, "eventConfigurations", configurations);
  jd_service_json_add_int (builder, "creationDate", created_at);
  jd_service_json_add_int (builder, "lastModifiedDate", modified_at);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}
