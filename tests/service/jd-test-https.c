/* jd-test-https.c — test certificates and a signing HTTPS client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-test-https"

#include <glib/gstdio.h>
#include <string.h>

#include "jd-sigv4.h"
#include "jd-test-ca.h"
#include "jd-test-https.h"

JdTestCerts *
jd_test_certs_new (void)
{
  JdTestCerts *certs = g_new0 (JdTestCerts, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestCa) ca = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  certs->dir = g_dir_make_tmp ("jd-https-XXXXXX", &error);
  g_assert_no_error (error);
  ca = jd_test_ca_new (certs->dir, "test");
  jd_test_ca_issue (ca, certs->dir, "localhost", -3600, 2 * 24 * 3600, NULL, &cert_path, &key_path);

  certs->ca_path = g_strdup (jd_test_ca_get_path (ca));
  certs->certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  return certs;
}

void
jd_test_certs_free (JdTestCerts *certs)
{
  const char *files[] = { "test-ca.pem", "localhost.crt", "localhost.key" };

  if (certs == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (certs->dir, files[i], NULL);

      g_unlink (path);
    }
  g_rmdir (certs->dir);
  g_free (certs->dir);
  g_free (certs->ca_path);
  g_clear_object (&certs->certificate);
  g_free (certs);
}

void
jd_test_reply_free (JdTestReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->error_type);
  g_free (reply->request_id);
  g_free (reply->body);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

void
jd_test_client_init (JdTestClient *client,
                     const char   *ca_path,
                     guint16       port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_path, &error);

  g_assert_no_error (error);
  memset (client, 0, sizeof *client);
  client->session = soup_session_new_with_options ("tls-database", database, "timeout", 20, NULL);
  client->port = port;
  client->access_key_id = "AKIDTEST";
  client->secret_access_key = "test-secret";
  client->region = "us-east-1";
  client->service = "iot";
  client->sign = TRUE;
}

void
jd_test_client_clear (JdTestClient *client)
{
  g_clear_object (&client->session);
}

typedef struct {
  GBytes *bytes;
  GError *error;
  gboolean done;
} CallData;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CallData *data = user_data;

  data->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &data->error);
  data->done = TRUE;
}

JdTestReply *
jd_test_call (JdTestClient *client,
              const char   *method,
              const char   *path_and_query,
              const char   *body)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u%s", client->port, path_and_query);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", client->port);
  g_autofree char *path = NULL;
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;
  JdTestReply *reply = g_new0 (JdTestReply, 1);
  CallData data = { NULL, NULL, FALSE };
  const char *question;
  gsize len = 0;
  const char *text;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Host", host);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  if (client->sign)
    {
      JdSigv4Header h[2] = { { "Host", host }, { "Content-Type", "application/json" } };
      JdSigv4Credentials creds = { client->access_key_id, client->secret_access_key, NULL, client->region };
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) when = g_date_time_add (now, client->clock_offset);
      g_autofree char *authorization = NULL;
      g_autofree char *amz_date = NULL;
      JdSigv4Request req;

      question = strchr (path_and_query, '?');
      path = question != NULL ? g_strndup (path_and_query, question - path_and_query) : g_strdup (path_and_query);
      req.method = method;
      req.path = path;
      req.query = question != NULL ? question + 1 : NULL;
      req.headers = h;
      req.n_headers = body != NULL ? 2 : 1;
      req.body = (const guint8 *) body;
      req.body_len = body != NULL ? strlen (body) : 0;
      jd_sigv4_sign (&req, &creds, client->service, when, &authorization, &amz_date);
      soup_message_headers_replace (headers, "Authorization", authorization);
      soup_message_headers_replace (headers, "X-Amz-Date", amz_date);
    }

  soup_session_send_and_read_async (client->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (data.error);

  reply->status = soup_message_get_status (msg);
  reply->error_type = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "x-amzn-ErrorType"));
  reply->request_id = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "x-amzn-RequestId"));
  text = g_bytes_get_data (data.bytes, &len);
  reply->body = g_strndup (text != NULL ? text : "", len);
  if (len > 0)
    {
      g_autoptr(GError) error = NULL;

      reply->json = json_from_string (reply->body, &error);
      g_assert_no_error (error);
    }
  g_bytes_unref (data.bytes);
  return reply;
}

/* Under AddressSanitizer: LeakSanitizer of GCC 12 crashes ("Tracer caught
 * signal 11") while scanning the dynamic TLS of dlopen()ed modules such as
 * glib-networking's GnuTLS backend. Not intercepting __tls_get_addr avoids
 * that walk; ASAN_OPTIONS from the environment still apply on top. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}
