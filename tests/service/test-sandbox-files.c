/* test-sandbox-files.c — a running sandbox serves files for jobs (issue 13):
 * its code-signing identity in sandbox.json, a file uploaded over the control
 * plane (SigV4 PUT), a job document with the file's placeholder created over
 * the control plane and delivered to a device over MQTT with a working https
 * URL, GetJobDocument with and without beforeSubstitution, an expired URL
 * refused with 403, and a GET without a presigned query refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-sandbox-files"

#include <string.h>

#include "jd-sandbox-codesign.h"
#include "jd-sandbox-info.h"
#include "jd-test-https.h"
#include "jd-test-sandbox.h"

#define FILE_TEXT "firmware 1.2.3 — not really a firmware\n"

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A plain (unsigned) GET of @url; returns the body and sets *status. */
static GBytes *
http_get (SoupSession *session,
          const char  *url,
          guint       *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *body;

  g_assert_nonnull (msg);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  body = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return body;
}

static JsonObject *
reply_object (JdTestReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static void
test_files_delivered (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) ts = jd_test_sandbox_new (NULL, &error);
  JdSandbox *sandbox;
  g_autoptr(JdSandboxInfo) info = NULL;
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(JdTestReply) put = NULL;
  g_autoptr(JdTestReply) created = NULL;
  g_autoptr(JdTestReply) document = NULL;
  g_autoptr(JdTestReply) before = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) expired_body = NULL;
  g_autoptr(GBytes) unsigned_body = NULL;
  g_autofree char *create_body = NULL;
  g_autofree char *doc_text = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *expired_url = NULL;
  g_autofree char *unsigned_url = NULL;
  JdTestClient client;
  const char *placeholder;
  const char *url;
  const char *substituted;
  JsonObject *execution;
  guint status = 0;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (ts);

  /* The identity exists and sandbox.json names it. */
  info = jd_sandbox_info_load (jd_test_sandbox_get_dir (ts), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->codesign_certificate_path, ==, jd_sandbox_get_codesign_cert_path (sandbox));
  g_assert_cmpstr (info->codesign_key_path, ==, jd_sandbox_get_codesign_key_path (sandbox));
  g_assert_true (g_str_has_suffix (info->codesign_certificate_path, JD_SANDBOX_CODESIGN_CERT));
  g_assert_true (g_file_test (info->codesign_certificate_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (info->codesign_key_path, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (jd_sandbox_get_file_store (sandbox));

  jd_test_client_init (&client, jd_sandbox_get_ca_path (sandbox), jd_sandbox_get_https_port (sandbox));
  client.access_key_id = jd_sandbox_get_access_key_id (sandbox);
  client.secret_access_key = jd_sandbox_get_secret_access_key (sandbox);

  /* Upload (SigV4 PUT). */
  put = jd_test_call (&client, "PUT", "/files/" JD_FILE_STORE_BUCKET "/fw/app.bin", FILE_TEXT);
  g_assert_cmpuint (put->status, ==, 200);
  placeholder = json_object_get_string_member (reply_object (put), "placeholder");
  g_assert_cmpstr (placeholder, ==,
                   "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/" JD_FILE_STORE_BUCKET "/fw/app.bin}");

  /* An unsigned PUT is refused like every other unsigned request. */
  {
    g_autoptr(JdTestReply) refused = NULL;

    client.sign = FALSE;
    refused = jd_test_call (&client, "PUT", "/files/" JD_FILE_STORE_BUCKET "/fw/evil.bin", "x");
    client.sign = TRUE;
    g_assert_cmpuint (refused->status, ==, 403);
  }

  /* A job whose document names the file. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "operation");
  json_builder_add_string_value (builder, "download");
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, placeholder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  doc_text = json_generator_to_data (generator, NULL);
  {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autoptr(JsonGenerator) g = json_generator_new ();
    g_autoptr(JsonNode) r = NULL;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "targets");
    json_builder_begin_array (b);
    json_builder_add_string_value (b, "arn:aws:iot:us-east-1:123456789012:thing/" JD_SANDBOX_DEFAULT_THING);
    json_builder_end_array (b);
    json_builder_set_member_name (b, "document");
    json_builder_add_string_value (b, doc_text);
    json_builder_end_object (b);
    r = json_builder_get_root (b);
    json_generator_set_root (g, r);
    create_body = json_generator_to_data (g, NULL);
  }
  created = jd_test_call (&client, "PUT", "/jobs/fw-1", create_body);
  g_assert_cmpuint (created->status, ==, 200);

  /* The device gets a working https URL over MQTT. */
  device = jd_test_device_new (ts, JD_SANDBOX_DEFAULT_THING, &error);
  g_assert_no_error (error);
  g_assert_true (jd_test_device_request (device, "$next/get", "{}"));
  reply = jd_test_device_expect_reply (device, "$next/get/accepted", 10000);
  g_assert_nonnull (reply);
  execution = json_object_get_object_member (json_node_get_object (reply), "execution");
  g_assert_nonnull (execution);
  url = json_object_get_string_member (json_object_get_object_member (execution, "jobDocument"), "url");
  prefix = g_strdup_printf ("https://127.0.0.1:%u/files/" JD_FILE_STORE_BUCKET "/fw/app.bin?",
                            jd_sandbox_get_https_port (sandbox));
  g_assert_true (g_str_has_prefix (url, prefix));
  g_assert_nonnull (strstr (url, "X-Amz-Signature="));
  g_assert_nonnull (strstr (url, "X-Amz-Expires=3600"));
  body = http_get (client.session, url, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), FILE_TEXT, strlen (FILE_TEXT));

  /* start-next also delivers it substituted. */
  {
    g_autoptr(JsonNode) started = NULL;
    JsonObject *e;
    const char *u;

    g_assert_true (jd_test_device_request (device, "start-next", "{}"));
    started = jd_test_device_expect_reply (device, "start-next/accepted", 10000);
    g_assert_nonnull (started);
    e = json_object_get_object_member (json_node_get_object (started), "execution");
    u = json_object_get_string_member (json_object_get_object_member (e, "jobDocument"), "url");
    g_assert_true (g_str_has_prefix (u, prefix));
  }

  /* GetJobDocument: substituted, and with beforeSubstitution the placeholder. */
  document = jd_test_call (&client, "GET", "/jobs/fw-1/job-document", NULL);
  g_assert_cmpuint (document->status, ==, 200);
  substituted = json_object_get_string_member (reply_object (document), "document");
  g_assert_null (strstr (substituted, "${aws:iot:s3-presigned-url:"));
  g_assert_nonnull (strstr (substituted, "/files/" JD_FILE_STORE_BUCKET "/fw/app.bin?X-Amz-"));
  before = jd_test_call (&client, "GET", "/jobs/fw-1/job-document?beforeSubstitution=true", NULL);
  g_assert_cmpuint (before->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (before), "document"), ==, doc_text);

  /* An expired URL: 403 with S3's error. */
  expired_url = jd_file_store_presign (jd_sandbox_get_file_store (sandbox), JD_FILE_STORE_BUCKET,
                                       "fw/app.bin", g_get_real_time () / G_USEC_PER_SEC - 7200, 60);
  expired_body = http_get (client.session, expired_url, &status);
  g_assert_cmpuint (status, ==, 403);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (expired_body, NULL), g_bytes_get_size (expired_body),
                                  "<Error>"));

  /* No presigned query at all: refused, not served. */
  unsigned_url = g_strdup_printf ("https://127.0.0.1:%u/files/" JD_FILE_STORE_BUCKET "/fw/app.bin",
                                  jd_sandbox_get_https_port (sandbox));
  unsigned_body = http_get (client.session, unsigned_url, &status);
  g_assert_cmpuint (status, ==, 403);

  jd_test_client_clear (&client);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sandbox-files/delivered", test_files_delivered);
  return g_test_run ();
}
