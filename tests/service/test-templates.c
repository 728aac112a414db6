/* test-templates.c — job templates, AWS's managed templates and event
 * configurations (issue 12, items 8 and 9) against a whole running sandbox:
 * the real jobs service over HTTPS (SigV4) on a SQLite file, devices and an
 * event observer on the real broker.
 *
 * Custom templates: each operation's accepted and rejected answers
 * (duplicate id, bad id, missing description or document, unknown
 * template, another account's ARN, documentParameters with a custom
 * template), a job made from one (its document, description and settings,
 * a request member winning), a template made from a job, deleting one that
 * jobs were made from. Managed templates: the list and its filter, the
 * published AWS-Download-File parameters, versions; a job from
 * AWS-Run-Command whose device receives the substituted command over MQTT,
 * GetJobDocument with and without beforeSubstitution, and the refusals
 * (missing required parameter, a value failing its pattern, an unknown
 * parameter, a control character, a document beside the template). Event
 * configurations: JOB and JOB_EXECUTION switched separately decide what the
 * observer identity receives on `$aws/events/…`. All of it kept across a
 * restart; and the control-plane client's calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-templates"

#include <glib/gstdio.h>
#include <string.h>

#include "jd-control-plane.h"
#include "jd-store-private.h"
#include "jd-test-https.h"
#include "jd-test-sandbox.h"

#define ARN_PREFIX "arn:aws:iot:" JD_SANDBOX_REGION ":" JD_SANDBOX_ACCOUNT_ID ":"
#define MANAGED_PREFIX "arn:aws:iot:" JD_SANDBOX_REGION "::jobtemplate/"
#define WAIT_MS (10000 * jd_test_slowdown ())
#define QUIET_MS 400

typedef struct {
  JdTestSandbox *sandbox;
  JdTestClient   client;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *things[] = { "t1", "t2", NULL };
  g_autoptr(GError) error = NULL;
  JdSandbox *sandbox;

  f->sandbox = jd_test_sandbox_new (things, &error);
  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  jd_test_client_init (&f->client, jd_sandbox_get_ca_path (sandbox), jd_sandbox_get_https_port (sandbox));
  f->client.access_key_id = jd_sandbox_get_access_key_id (sandbox);
  f->client.secret_access_key = jd_sandbox_get_secret_access_key (sandbox);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  jd_test_client_clear (&f->client);
  g_clear_pointer (&f->sandbox, jd_test_sandbox_free);
}

/* ---- helpers ---- */

static JsonObject *
object_of (JdTestReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static JdTestReply *
call (Fixture    *f,
      const char *method,
      const char *path,
      const char *body,
      guint       status,
      const char *error_type)
{
  JdTestReply *reply = jd_test_call (&f->client, method, path, body);

  if (reply->status != status || g_strcmp0 (reply->error_type, error_type) != 0)
    g_error ("%s %s: expected %u %s, got %u %s: %s", method, path, status,
             error_type != NULL ? error_type : "", reply->status,
             reply->error_type != NULL ? reply->error_type : "", reply->body);
  if (error_type != NULL)
    g_assert_cmpuint (strlen (json_object_get_string_member_with_default (object_of (reply), "message", "")), >, 0);
  return reply;
}

static void
call_ok (Fixture    *f,
         const char *method,
         const char *path,
         const char *body)
{
  g_autoptr(JdTestReply) reply = call (f, method, path, body, 200, NULL);
}

static void
call_error (Fixture    *f,
            const char *method,
            const char *path,
            const char *body,
            guint       status,
            const char *error_type)
{
  g_autoptr(JdTestReply) reply = call (f, method, path, body, status, error_type);
}

/* The document of GetJobDocument, parsed. */
static JsonNode *
job_document (Fixture    *f,
              const char *job_id,
              gboolean    before_substitution)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%s/job-document%s", job_id,
                                           before_substitution ? "?beforeSubstitution=true" : "");
  g_autoptr(JdTestReply) reply = call (f, "GET", path, NULL, 200, NULL);
  const char *text = json_object_get_string_member (object_of (reply), "document");
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* steps[0].action of a Device Client document. */
static JsonObject *
first_action (JsonNode *document)
{
  JsonArray *steps = json_object_get_array_member (json_node_get_object (document), "steps");

  return json_object_get_object_member (json_array_get_object_element (steps, 0), "action");
}

static JdTestDevice *
new_observer (Fixture *f)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  JdTestDevice *observer;

  g_assert_true (jd_test_sandbox_issue_identity (f->sandbox, JD_SANDBOX_OBSERVER_IDENTITY, &cert, &key, &error));
  g_assert_no_error (error);
  observer = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                      jd_sandbox_get_ca_path (sandbox), cert, key,
                                      "templates-observer", "$aws/events/#", &error);
  g_assert_no_error (error);
  return observer;
}

/* A job for t1 that the device side ends at once (SUCCEEDED from QUEUED). */
static void
run_job (Fixture    *f,
         const char *job_id)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%s", job_id);
  g_autofree char *request = g_strdup_printf ("%s/update", job_id);
  g_autofree char *accepted = g_strdup_printf ("%s/update/accepted", job_id);
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;

  call_ok (f, "PUT", path, "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"document\":\"{\\\"op\\\":1}\"}");
  device = jd_test_device_new (f->sandbox, "t1", &error);
  g_assert_no_error (error);
  g_assert_true (jd_test_device_request (device, request, "{\"status\":\"SUCCEEDED\"}"));
  reply = jd_test_device_expect_reply (device, accepted, WAIT_MS);
  g_assert_nonnull (reply);
}

/* ---- custom templates ---- */

static void
test_custom (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JdTestReply) created = NULL;
  g_autoptr(JdTestReply) described = NULL;
  g_autoptr(JdTestReply) page1 = NULL;
  g_autoptr(JdTestReply) page2 = NULL;
  g_autoptr(JdTestReply) job = NULL;
  g_autoptr(JdTestReply) job2 = NULL;
  g_autoptr(JdTestReply) copied = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autofree char *page2_path = NULL;
  JsonObject *o;

  created = call (f, "PUT", "/job-templates/fw-template",
                  "{\"description\":\"firmware\",\"document\":\"{\\\"fw\\\":\\\"2.0\\\"}\","
                  "\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":30},"
                  "\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":50},"
                  "\"maintenanceWindows\":[{\"startTime\":\"cron(0 0 * * ? *)\",\"durationInMinutes\":60}]}",
                  200, NULL);
  g_assert_cmpstr (json_object_get_string_member (object_of (created), "jobTemplateArn"), ==,
                   ARN_PREFIX "jobtemplate/fw-template");
  g_assert_cmpstr (json_object_get_string_member (object_of (created), "jobTemplateId"), ==, "fw-template");

  /* Rejected: the same id again, a bad id, no description, no document. */
  {
    g_autoptr(JdTestReply) conflict = call (f, "PUT", "/job-templates/fw-template",
                                            "{\"description\":\"x\",\"document\":\"{}\"}",
                                            409, "ConflictException");

    g_assert_cmpstr (json_object_get_string_member (object_of (conflict), "resourceId"), ==, "fw-template");
  }
  call_error (f, "PUT", "/job-templates/bad.id", "{\"description\":\"x\",\"document\":\"{}\"}",
              400, "InvalidRequestException");
  call_error (f, "PUT", "/job-templates/no-description", "{\"document\":\"{}\"}", 400, "InvalidRequestException");
  call_error (f, "PUT", "/job-templates/no-document", "{\"description\":\"x\"}", 400, "InvalidRequestException");
  call_error (f, "PUT", "/job-templates/bad-rollout",
              "{\"description\":\"x\",\"document\":\"{}\",\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":0}}",
              400, "InvalidRequestException");
  call_error (f, "GET", "/job-templates/missing", NULL, 404, "ResourceNotFoundException");

  described = call (f, "GET", "/job-templates/fw-template", NULL, 200, NULL);
  o = object_of (described);
  g_assert_cmpstr (json_object_get_string_member (o, "description"), ==, "firmware");
  g_assert_cmpstr (json_object_get_string_member (o, "document"), ==, "{\"fw\":\"2.0\"}");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "timeoutConfig"),
                                               "inProgressTimeoutInMinutes"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "jobExecutionsRolloutConfig"),
                                               "maximumPerMinute"), ==, 50);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "maintenanceWindows")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "createdAt"), >, 1000000000);

  /* A second one; the list pages. */
  call_ok (f, "PUT", "/job-templates/second", "{\"description\":\"two\",\"document\":\"{\\\"n\\\":2}\"}");
  page1 = call (f, "GET", "/job-templates?maxResults=1", NULL, 200, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (page1), "jobTemplates")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (object_of (page1), "jobTemplates"), 0), "jobTemplateId"), ==,
                   "fw-template");
  page2_path = g_strdup_printf ("/job-templates?maxResults=1&nextToken=%s",
                                json_object_get_string_member (object_of (page1), "nextToken"));
  page2 = call (f, "GET", page2_path, NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (object_of (page2), "jobTemplates"), 0), "jobTemplateId"), ==,
                   "second");
  g_assert_false (json_object_has_member (object_of (page2), "nextToken"));

  /* A job from it: the template's document, description and settings; a
   * request member wins over the template's. */
  call_ok (f, "PUT", "/jobs/from-template",
           "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" ARN_PREFIX "jobtemplate/fw-template\","
           "\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":45}}");
  document = job_document (f, "from-template", FALSE);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (document), "fw"), ==, "2.0");
  job = call (f, "GET", "/jobs/from-template", NULL, 200, NULL);
  o = json_object_get_object_member (object_of (job), "job");
  g_assert_cmpstr (json_object_get_string_member (o, "jobTemplateArn"), ==, ARN_PREFIX "jobtemplate/fw-template");
  g_assert_cmpstr (json_object_get_string_member (o, "description"), ==, "firmware");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "timeoutConfig"),
                                               "inProgressTimeoutInMinutes"), ==, 45);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "jobExecutionsRolloutConfig"),
                                               "maximumPerMinute"), ==, 50);
  g_assert_false (json_object_has_member (o, "documentParameters"));

  /* Rejected CreateJobs: an unknown template, another account's, a
   * malformed ARN, documentParameters with a custom template or without
   * any template. */
  call_error (f, "PUT", "/jobs/j-unknown",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" ARN_PREFIX "jobtemplate/nope\"}",
              404, "ResourceNotFoundException");
  call_error (f, "PUT", "/jobs/j-other",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],"
              "\"jobTemplateArn\":\"arn:aws:iot:" JD_SANDBOX_REGION ":999999999999:jobtemplate/fw-template\"}",
              404, "ResourceNotFoundException");
  call_error (f, "PUT", "/jobs/j-bad",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"arn:aws:iot:x:y:job/fw\"}",
              400, "InvalidRequestException");
  call_error (f, "PUT", "/jobs/j-params",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" ARN_PREFIX "jobtemplate/fw-template\","
              "\"documentParameters\":{\"a\":\"b\"}}",
              400, "InvalidRequestException");
  call_error (f, "PUT", "/jobs/j-params2",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"document\":\"{}\",\"documentParameters\":{\"a\":\"b\"}}",
              400, "InvalidRequestException");
  call_error (f, "GET", "/jobs/j-unknown", NULL, 404, "ResourceNotFoundException");

  /* A template from a job copies its document and settings. */
  call_ok (f, "PUT", "/job-templates/copied",
           "{\"description\":\"copy\",\"jobArn\":\"" ARN_PREFIX "job/from-template\"}");
  copied = call (f, "GET", "/job-templates/copied", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (object_of (copied), "document"), ==, "{\"fw\":\"2.0\"}");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object_of (copied), "timeoutConfig"),
                                               "inProgressTimeoutInMinutes"), ==, 45);
  call_error (f, "PUT", "/job-templates/copied2",
              "{\"description\":\"copy\",\"jobArn\":\"" ARN_PREFIX "job/no-such-job\"}",
              404, "ResourceNotFoundException");

  /* Deleting a template jobs were made from: the jobs keep what they took. */
  call_ok (f, "DELETE", "/job-templates/fw-template", NULL);
  call_error (f, "DELETE", "/job-templates/fw-template", NULL, 404, "ResourceNotFoundException");
  call_error (f, "GET", "/job-templates/fw-template", NULL, 404, "ResourceNotFoundException");
  job2 = call (f, "GET", "/jobs/from-template", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object_of (job2), "job"),
                                                  "jobTemplateArn"), ==, ARN_PREFIX "jobtemplate/fw-template");
  call_error (f, "PUT", "/jobs/after-delete",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" ARN_PREFIX "jobtemplate/fw-template\"}",
              404, "ResourceNotFoundException");
  /* The id is free again. */
  call_ok (f, "PUT", "/job-templates/fw-template", "{\"description\":\"again\",\"document\":\"{}\"}");
}

/* ---- managed templates ---- */

static void
test_managed (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JdTestReply) list = NULL;
  g_autoptr(JdTestReply) filtered = NULL;
  g_autoptr(JdTestReply) download = NULL;
  g_autoptr(JdTestReply) reboot = NULL;
  JsonArray *items;
  JsonArray *parameters;
  gboolean seen_reboot = FALSE;

  list = call (f, "GET", "/managed-job-templates", NULL, 200, NULL);
  items = json_object_get_array_member (object_of (list), "managedJobTemplates");
  g_assert_cmpuint (json_array_get_length (items), >=, 4);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "templateName"), "AWS-Reboot") == 0)
        {
          seen_reboot = TRUE;
          g_assert_cmpstr (json_object_get_string_member (item, "templateArn"), ==, MANAGED_PREFIX "AWS-Reboot:1.0");
          g_assert_cmpstr (json_object_get_string_member (item, "templateVersion"), ==, "1.0");
          g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (item, "environments"), 0),
                           ==, "LINUX");
        }
    }
  g_assert_true (seen_reboot);

  filtered = call (f, "GET", "/managed-job-templates?templateName=AWS-Run-Command", NULL, 200, NULL);
  items = json_object_get_array_member (object_of (filtered), "managedJobTemplates");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  call_error (f, "GET", "/managed-job-templates?templateName=AWS-Nothing", NULL, 404, "ResourceNotFoundException");

  /* AWS-Download-File's parameters as AWS publishes them. */
  download = call (f, "GET", "/managed-job-templates/AWS-Download-File", NULL, 200, NULL);
  parameters = json_object_get_array_member (object_of (download), "documentParameters");
  g_assert_cmpuint (json_array_get_length (parameters), ==, 4);
  for (guint i = 0; i < json_array_get_length (parameters); i++)
    {
      JsonObject *p = json_array_get_object_element (parameters, i);
      const char *key = json_object_get_string_member (p, "key");

      if (strcmp (key, "downloadUrl") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (p, "regex"), ==, "(.*?)");
          g_assert_false (json_object_get_boolean_member (p, "optional"));
        }
      else if (strcmp (key, "runAsUser") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (p, "regex"), ==, "(.){0,256}");
          g_assert_true (json_object_get_boolean_member (p, "optional"));
        }
    }
  g_assert_nonnull (strstr (json_object_get_string_member (object_of (download), "document"),
                            "${aws:iot:parameter:downloadUrl}"));
  reboot = call (f, "GET", "/managed-job-templates/AWS-Reboot?templateVersion=1.0", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (object_of (reboot), "templateArn"), ==,
                   MANAGED_PREFIX "AWS-Reboot:1.0");
  call_error (f, "GET", "/managed-job-templates/AWS-Reboot?templateVersion=2.0", NULL, 404, "ResourceNotFoundException");
  call_error (f, "GET", "/managed-job-templates/AWS-Reboot?templateVersion=x", NULL, 400, "InvalidRequestException");
  call_error (f, "GET", "/managed-job-templates/AWS-Missing", NULL, 404, "ResourceNotFoundException");
}

static void
test_run_command (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(JsonNode) started = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) quoted = NULL;
  g_autoptr(JdTestReply) job = NULL;
  g_autoptr(JdTestReply) created = NULL;
  g_autofree char *long_user = NULL;
  g_autofree char *body = NULL;
  JsonObject *execution;
  JsonObject *action;
  JsonObject *o;

  device = jd_test_device_new (f->sandbox, "t1", &error);
  g_assert_no_error (error);

  created = call (f, "PUT", "/jobs/run-echo",
                  "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],"
                  "\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Run-Command:1.0\","
                  "\"documentParameters\":{\"command\":\"echo ok\"}}",
                  200, NULL);
  g_assert_cmpstr (json_object_get_string_member (object_of (created), "description"), ==,
                   "A managed job template for running a command.");

  /* The device receives the substituted document over MQTT. */
  g_assert_true (jd_test_device_request (device, "start-next", "{}"));
  started = jd_test_device_expect_reply (device, "start-next/accepted", WAIT_MS);
  g_assert_nonnull (started);
  execution = json_object_get_object_member (json_node_get_object (started), "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "run-echo");
  action = first_action (json_object_get_member (execution, "jobDocument"));
  g_assert_cmpstr (json_object_get_string_member (action, "type"), ==, "runCommand");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (action, "input"), "command"), ==,
                   "echo ok");
  /* An omitted optional parameter becomes "". */
  g_assert_cmpstr (json_object_get_string_member (action, "runAsUser"), ==, "");

  /* GetJobDocument: substituted, and before substitution. */
  after = job_document (f, "run-echo", FALSE);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first_action (after), "input"),
                                                  "command"), ==, "echo ok");
  before = job_document (f, "run-echo", TRUE);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first_action (before), "input"),
                                                  "command"), ==, "${aws:iot:parameter:command}");

  job = call (f, "GET", "/jobs/run-echo", NULL, 200, NULL);
  o = json_object_get_object_member (object_of (job), "job");
  g_assert_cmpstr (json_object_get_string_member (o, "jobTemplateArn"), ==, MANAGED_PREFIX "AWS-Run-Command:1.0");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "documentParameters"), "command"),
                   ==, "echo ok");

  /* A value with quotes stays valid JSON. */
  call_ok (f, "PUT", "/jobs/run-quoted",
           "{\"targets\":[\"" ARN_PREFIX "thing/t2\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Run-Command:1.0\","
           "\"documentParameters\":{\"command\":\"echo,\\\"a b\\\"\",\"runAsUser\":\"root\"}}");
  quoted = job_document (f, "run-quoted", FALSE);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first_action (quoted), "input"),
                                                  "command"), ==, "echo,\"a b\"");
  g_assert_cmpstr (json_object_get_string_member (first_action (quoted), "runAsUser"), ==, "root");

  /* Rejected: a missing required parameter, a value failing its pattern,
   * an unknown parameter, a control character, a document beside the
   * template, an unknown managed template or version. */
  call_error (f, "PUT", "/jobs/run-missing",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Run-Command:1.0\"}",
              400, "InvalidRequestException");
  long_user = g_strnfill (300, 'u');
  body = g_strdup_printf ("{\"targets\":[\"" ARN_PREFIX "thing/t1\"],"
                          "\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Download-File:1.0\","
                          "\"documentParameters\":{\"downloadUrl\":\"http://x/y\",\"filePath\":\"/tmp/y\","
                          "\"runAsUser\":\"%s\"}}", long_user);
  call_error (f, "PUT", "/jobs/run-pattern", body, 400, "InvalidRequestException");
  call_error (f, "PUT", "/jobs/run-unknown",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Reboot:1.0\","
              "\"documentParameters\":{\"command\":\"x\"}}",
              400, "InvalidRequestException");
  call_error (f, "PUT", "/jobs/run-control",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Run-Command:1.0\","
              "\"documentParameters\":{\"command\":\"a\\u0007b\"}}",
              400, "InvalidRequestException");
  call_error (f, "PUT", "/jobs/run-document",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Reboot:1.0\","
              "\"document\":\"{}\"}",
              400, "InvalidRequestException");
  call_error (f, "PUT", "/jobs/run-nothing",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Nothing:1.0\"}",
              404, "ResourceNotFoundException");
  call_error (f, "PUT", "/jobs/run-version",
              "{\"targets\":[\"" ARN_PREFIX "thing/t1\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Reboot:9.9\"}",
              404, "ResourceNotFoundException");
  /* Reboot needs nothing. */
  call_ok (f, "PUT", "/jobs/reboot",
           "{\"targets\":[\"" ARN_PREFIX "thing/t2\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Reboot:1.0\"}");
}

/* ---- event configurations ---- */

static void
test_event_configurations (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JdTestDevice) observer = new_observer (f);
  g_autoptr(JdTestReply) initial = NULL;
  g_autoptr(JdTestReply) updated = NULL;
  g_autoptr(JdTestReply) patched = NULL;
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(JsonNode) event2 = NULL;
  JsonObject *configurations;

  /* Off by default, every type listed. */
  initial = call (f, "GET", "/event-configurations", NULL, 200, NULL);
  configurations = json_object_get_object_member (object_of (initial), "eventConfigurations");
  g_assert_cmpuint (json_object_get_size (configurations), ==, 11);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (configurations, "JOB"), "Enabled"));
  g_assert_cmpint (json_object_get_int_member (object_of (initial), "creationDate"), >, 1000000000);
  run_job (f, "quiet");
  g_assert_cmpuint (jd_test_device_count (observer, "$aws/events/job/quiet/completed", QUIET_MS), ==, 0);

  /* Rejected: an unknown type, a non-boolean. */
  call_error (f, "PATCH", "/event-configurations", "{\"eventConfigurations\":{\"JOBS\":{\"Enabled\":true}}}",
              400, "InvalidRequestException");
  call_error (f, "PATCH", "/event-configurations", "{\"eventConfigurations\":{\"JOB\":{\"Enabled\":\"yes\"}}}",
              400, "InvalidRequestException");

  /* JOB only: the job's event, none of its executions'. */
  patched = call (f, "PATCH", "/event-configurations",
                  "{\"eventConfigurations\":{\"JOB\":{\"Enabled\":true},\"THING\":{\"Enabled\":true}}}", 200, NULL);
  g_assert_cmpuint (json_object_get_size (object_of (patched)), ==, 0);
  run_job (f, "job-only");
  event = jd_test_device_expect (observer, "$aws/events/job/job-only/completed", WAIT_MS, NULL);
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (event), "eventType"), ==, "JOB");
  g_assert_cmpuint (jd_test_device_count (observer, "$aws/events/jobExecution/job-only/succeeded", QUIET_MS), ==, 0);

  /* Merged: JOB_EXECUTION on leaves JOB on. */
  call_ok (f, "PATCH", "/event-configurations", "{\"eventConfigurations\":{\"JOB_EXECUTION\":{\"Enabled\":true}}}");
  updated = call (f, "GET", "/event-configurations", NULL, 200, NULL);
  configurations = json_object_get_object_member (object_of (updated), "eventConfigurations");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (configurations, "JOB"), "Enabled"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (configurations, "JOB_EXECUTION"),
                                                 "Enabled"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (configurations, "THING"), "Enabled"));
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (configurations, "POLICY"),
                                                  "Enabled"));
  g_assert_cmpint (json_object_get_int_member (object_of (updated), "lastModifiedDate"), >=,
                   json_object_get_int_member (object_of (updated), "creationDate"));
  run_job (f, "both");
  event2 = jd_test_device_expect (observer, "$aws/events/jobExecution/both/succeeded", WAIT_MS, NULL);
  g_assert_nonnull (event2);
  g_assert_cmpuint (jd_test_device_count (observer, "$aws/events/job/both/completed", WAIT_MS / 4), ==, 1);

  /* Both off: nothing. */
  call_ok (f, "PATCH", "/event-configurations",
           "{\"eventConfigurations\":{\"JOB\":{\"Enabled\":false},\"JOB_EXECUTION\":{\"Enabled\":false}}}");
  run_job (f, "off-again");
  g_assert_cmpuint (jd_test_device_count (observer, "$aws/events/jobExecution/off-again/succeeded", QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (observer, "$aws/events/job/off-again/completed", 0), ==, 0);
}

/* ---- persistence ---- */

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) observer = NULL;
  g_autoptr(JdTestReply) template_ = NULL;
  g_autoptr(JdTestReply) job = NULL;
  g_autoptr(JdTestReply) configurations = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) event = NULL;

  call_ok (f, "PUT", "/job-templates/kept", "{\"description\":\"kept\",\"document\":\"{\\\"k\\\":1}\"}");
  call_ok (f, "PUT", "/jobs/kept-run",
           "{\"targets\":[\"" ARN_PREFIX "thing/t2\"],\"jobTemplateArn\":\"" MANAGED_PREFIX "AWS-Install-Application:1.0\","
           "\"documentParameters\":{\"packages\":\"mosquitto telnet\"}}");
  call_ok (f, "PATCH", "/event-configurations", "{\"eventConfigurations\":{\"JOB_EXECUTION\":{\"Enabled\":true}}}");

  g_assert_true (jd_test_sandbox_restart (f->sandbox, &error));
  g_assert_no_error (error);
  f->client.access_key_id = jd_sandbox_get_access_key_id (jd_test_sandbox_get_sandbox (f->sandbox));
  f->client.secret_access_key = jd_sandbox_get_secret_access_key (jd_test_sandbox_get_sandbox (f->sandbox));

  template_ = call (f, "GET", "/job-templates/kept", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (object_of (template_), "document"), ==, "{\"k\":1}");
  job = call (f, "GET", "/jobs/kept-run", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object_of (job), "job"),
                                                  "jobTemplateArn"), ==,
                   MANAGED_PREFIX "AWS-Install-Application:1.0");
  before = job_document (f, "kept-run", TRUE);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                     json_object_get_object_member (first_action (before), "input"), "args"), 0), ==,
                   "${aws:iot:parameter:packages}");
  configurations = call (f, "GET", "/event-configurations", NULL, 200, NULL);
  g_assert_true (json_object_get_boolean_member (
                   json_object_get_object_member (json_object_get_object_member (object_of (configurations),
                                                                                 "eventConfigurations"),
                                                  "JOB_EXECUTION"), "Enabled"));

  /* The restarted service publishes what the stored configuration enables. */
  observer = new_observer (f);
  run_job (f, "after-restart");
  event = jd_test_device_expect (observer, "$aws/events/jobExecution/after-restart/succeeded", WAIT_MS, NULL);
  g_assert_nonnull (event);
  g_assert_cmpuint (jd_test_device_count (observer, "$aws/events/job/after-restart/completed", QUIET_MS), ==, 0);
}

/* A store written by the previous schema (4) gains templates and event
 * configurations when opened, and keeps its jobs. */
static void
test_migration_from_4 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jd-templates-XXXXXX", &error);
  g_autofree char *path = NULL;
  const char *things[] = { "m1", NULL };
  const char *targets[] = { ARN_PREFIX "thing/m1", NULL };
  JdStoreJobSpec spec = { 0 };
  JdStoreJobTemplate template_spec = { 0 };

  g_assert_no_error (error);
  path = g_build_filename (dir, "jobs.db", NULL);
  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);
    g_autoptr(JdStoreThing) thing = NULL;
    g_autoptr(JdStoreJob) job = NULL;

    g_assert_no_error (error);
    thing = jd_store_create_thing (store, "m1", NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    spec.job_id = "old-job";
    spec.targets = targets;
    spec.thing_names = things;
    spec.document = "{}";
    job = jd_store_create_job (store, &spec, &error);
    g_assert_no_error (error);
    /* Back to what schema 4 had (templates came in 5, scheduling in 6). */
    g_assert_true (jd_store_exec_for_test (store,
                                           "ALTER TABLE jobs DROP COLUMN schedule_anchor_ms;"
                                           "ALTER TABLE jobs DROP COLUMN schedule_state;"
                                           "DROP TRIGGER job_template_uses_gone; DROP TABLE job_template_uses;"
                                           "DROP TABLE job_templates; DROP TABLE event_configurations;"
                                           "DROP TABLE event_configuration_dates;"
                                           "PRAGMA user_version = 4;",
                                           &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);
    g_autoptr(JdStoreJob) job = NULL;
    g_autoptr(JdStoreJobTemplate) created = NULL;
    g_autoptr(JsonObject) configurations = NULL;
    gint64 created_at = 0;

    g_assert_no_error (error);
    job = jd_store_get_job (store, "old-job", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (job->document, ==, "{}");
    template_spec.template_id = (char *) "after-migration";
    template_spec.description = (char *) "new";
    template_spec.document = (char *) "{}";
    created = jd_store_create_job_template (store, &template_spec, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (created->template_id, ==, "after-migration");
    configurations = jd_store_get_event_configurations (store, &created_at, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (json_object_get_boolean_member (json_object_get_object_member (configurations, "JOB"), "Enabled"));
    g_assert_cmpint (created_at, >, 1000000000);
    g_assert_null (jd_store_get_template_use (store, "old-job", &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (g_remove (path), ==, 0);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- the control-plane client ---- */

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, TRUE);
  g_assert_nonnull (*slot);
  return g_steal_pointer (slot);
}

static void
test_client (Fixture       *f,
             gconstpointer  data)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  const char *targets[] = { ARN_PREFIX "thing/t1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  g_autoptr(JdControlPlane) cp = NULL;
  g_autofree char *url = NULL;
  GAsyncResult *slot = NULL;

  credentials = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox), jd_sandbox_get_secret_access_key (sandbox),
                                    NULL, JD_SANDBOX_REGION);
  url = g_strdup_printf ("https://" JD_SANDBOX_HOST ":%u", jd_sandbox_get_https_port (sandbox));
  cp = jd_control_plane_new (JD_SANDBOX_REGION, url, jd_sandbox_get_ca_path (sandbox), credentials, &error);
  g_assert_no_error (error);
  jd_control_plane_set_page_size (cp, 1);

  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(JsonObject) settings = json_object_new ();
    JsonObject *timeout = json_object_new ();

    json_object_set_int_member (timeout, "inProgressTimeoutInMinutes", 5);
    json_object_set_object_member (settings, "timeoutConfig", timeout);
    jd_control_plane_create_job_template_async (cp, "c-template", "made by the client", "{\"c\":1}", NULL, settings,
                                                NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_create_job_template_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "jobTemplateArn"), ==,
                     ARN_PREFIX "jobtemplate/c-template");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_create_job_template_async (cp, "c-template", "again", "{}", NULL, NULL, NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_create_job_template_finish (cp, result, &error);
    g_assert_null (reply);
    g_assert_cmpstr (jd_control_plane_error_get_aws_type (error), ==, "ConflictException");
    g_clear_error (&error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_describe_job_template_async (cp, "c-template", NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_describe_job_template_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "description"), ==,
                     "made by the client");
  }
  call_ok (f, "PUT", "/job-templates/c-other", "{\"description\":\"other\",\"document\":\"{}\"}");
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) list = NULL;

    /* Page size 1: the client follows nextToken. */
    jd_control_plane_list_job_templates_async (cp, NULL, result_cb, &slot);
    result = wait_result (&slot);
    list = jd_control_plane_list_job_templates_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 2);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) list = NULL;

    jd_control_plane_list_managed_job_templates_async (cp, NULL, NULL, result_cb, &slot);
    result = wait_result (&slot);
    list = jd_control_plane_list_managed_job_templates_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, >=, 4);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_describe_managed_job_template_async (cp, "AWS-Install-Application", "1.0", NULL,
                                                          result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_describe_managed_job_template_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "templateArn"), ==,
                     MANAGED_PREFIX "AWS-Install-Application:1.0");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GHashTable) parameters = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(JsonNode) document = NULL;

    g_hash_table_insert (parameters, (gpointer) "downloadUrl", (gpointer) "https://example.com/f");
    g_hash_table_insert (parameters, (gpointer) "filePath", (gpointer) "/tmp/f");
    jd_control_plane_create_job_from_template_async (cp, "c-download", MANAGED_PREFIX "AWS-Download-File:1.0",
                                                     targets, parameters, NULL, NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_create_job_from_template_finish (cp, result, &error);
    g_assert_no_error (error);
    document = job_document (f, "c-download", FALSE);
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                       json_object_get_object_member (first_action (document), "input"), "args"), 1), ==, "/tmp/f");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_create_job_from_template_async (cp, "c-custom", ARN_PREFIX "jobtemplate/c-template",
                                                     targets, NULL, "mine", NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_create_job_from_template_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "description"), ==, "mine");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    jd_control_plane_delete_job_template_async (cp, "c-template", NULL, result_cb, &slot);
    result = wait_result (&slot);
    g_assert_true (jd_control_plane_delete_job_template_finish (cp, result, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GHashTable) enabled = g_hash_table_new (g_str_hash, g_str_equal);

    g_hash_table_insert (enabled, (gpointer) "JOB", GINT_TO_POINTER (TRUE));
    jd_control_plane_update_event_configurations_async (cp, enabled, NULL, result_cb, &slot);
    result = wait_result (&slot);
    g_assert_true (jd_control_plane_update_event_configurations_finish (cp, result, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;
    JsonObject *configurations;

    jd_control_plane_describe_event_configurations_async (cp, NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_describe_event_configurations_finish (cp, result, &error);
    g_assert_no_error (error);
    configurations = json_object_get_object_member (json_node_get_object (reply), "eventConfigurations");
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member (configurations, "JOB"), "Enabled"));
    g_assert_false (json_object_get_boolean_member (json_object_get_object_member (configurations, "JOB_EXECUTION"),
                                                    "Enabled"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/templates/custom", test_custom);
  ADD ("/templates/managed", test_managed);
  ADD ("/templates/run-command", test_run_command);
  ADD ("/templates/event-configurations", test_event_configurations);
  ADD ("/templates/restart", test_restart);
  g_test_add_func ("/templates/migration-from-4", test_migration_from_4);
  ADD ("/templates/client", test_client);
#undef ADD

  return g_test_run ();
}
