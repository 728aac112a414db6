/* jd-control-plane.c — the control-plane client's transport: the endpoint and
 * its TLS trust, request building, SigV4 signing, retries with backoff,
 * pagination and AWS error parsing. The operations that use it are in
 * jd-control-plane-operations.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-control-plane"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "jd-control-plane-private.h"
#include "jd-sigv4.h"

#define DEFAULT_MAX_ATTEMPTS 4
#define DEFAULT_BASE_DELAY_MS 200
#define MAX_DELAY_MS 20000
#define DEFAULT_PAGE_SIZE 100

struct _JdControlPlane
{
  GObject parent_instance;

  SoupSession *session;
  char *region;
  char *endpoint_url;
  GUri *endpoint;
  char *host_header;
  char *base_path;
  char *ca_path;                 /* nullable: trusted instead of the system's store */
  JdCredentials *credentials;
  guint max_attempts;
  guint base_delay_ms;
  guint page_size;
  char *signing_service;         /* "iot", or "iot-jobs-data" for the jobs data plane */
};

G_DEFINE_FINAL_TYPE (JdControlPlane, jd_control_plane, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REGION,
  PROP_ENDPOINT_URL,
  PROP_CREDENTIALS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void request_send (GTask *task);

/* Helpers */

static void
request_free (JdCpRequest *req)
{
  g_free (req->method);
  g_free (req->path);
  g_free (req->query);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->items, g_ptr_array_unref);
  g_free (req->next_token);
  g_free (req->arg1);
  g_free (req->arg2);
  if (req->delay_source != NULL)
    {
      g_source_destroy (req->delay_source);
      g_source_unref (req->delay_source);
    }
  if (req->cancel_source != NULL)
    {
      g_source_destroy (req->cancel_source);
      g_source_unref (req->cancel_source);
    }
  g_free (req);
}

char *
jd_cp_escape (const char *label)
{
  /* Everything but A-Za-z0-9-._~ is escaped, as botocore does for path labels. */
  return g_uri_escape_string (label, NULL, FALSE);
}

void
jd_cp_query_add (GString    *query,
           const char *name,
           const char *value)
{
  g_autofree char *escaped = jd_cp_escape (value);

  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_printf (query, "%s=%s", name, escaped);
}

char *
jd_cp_query_end (GString *query)
{
  if (query->len == 0)
    {
      g_string_free (query, TRUE);
      return NULL;
    }
  return g_string_free (query, FALSE);
}

GBytes *
jd_cp_json_to_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  return g_bytes_new_take (data, length);
}

JdCpRequest *
jd_cp_request_new (const char *method,
             char       *path,
             char       *query,
             GBytes     *body,
             gboolean    idempotent)
{
  JdCpRequest *req = g_new0 (JdCpRequest, 1);

  req->method = g_strdup (method);
  req->path = path;
  req->query = query;
  req->body = body;
  req->idempotent = idempotent;
  return req;
}

static GTask *
request_task_new (JdControlPlane      *self,
                  JdCpRequest             *req,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  return task;
}

static GError *
error_from_response (SoupMessage *msg,
                     GBytes      *body)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *type = soup_message_headers_get_one (headers, "x-amzn-ErrorType");
  const char *request_id = soup_message_headers_get_one (headers, "x-amzn-RequestId");
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *message = NULL;
  JsonObject *object = NULL;
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;

  if (length > 0 && json_parser_load_from_data (parser, data, length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));

  /* botocore's order: the header, then body "code"/"Code", then "__type". */
  if (object != NULL)
    {
      const char *const type_members[] = { "code", "Code", "__type" };
      const char *const message_members[] = { "message", "Message" };

      for (guint i = 0; (type == NULL || *type == '\0') && i < G_N_ELEMENTS (type_members); i++)
        if (json_object_has_member (object, type_members[i]))
          type = json_object_get_string_member_with_default (object, type_members[i], NULL);
      for (guint i = 0; message == NULL && i < G_N_ELEMENTS (message_members); i++)
        if (json_object_has_member (object, message_members[i]))
          message = json_object_get_string_member_with_default (object, message_members[i], NULL);
    }

  if (type == NULL || *type == '\0')
    {
      g_autofree char *fallback = NULL;

      /* No type anywhere: keep the status so the UI still says something true. */
      fallback = g_strdup_printf ("The control plane answered HTTP %u %s.",
                                  soup_message_get_status (msg),
                                  soup_message_get_reason_phrase (msg) != NULL
                                  ? soup_message_get_reason_phrase (msg) : "");
      return jd_control_plane_error_new_aws (NULL, message != NULL ? message : g_strstrip (fallback),
                                             soup_message_get_status (msg), request_id);
    }

  return jd_control_plane_error_new_aws (type, message, soup_message_get_status (msg), request_id);
}

static guint
retry_delay_ms (JdControlPlane *self,
                guint           attempt)
{
  guint64 delay = self->base_delay_ms;

  for (guint i = 1; i < attempt && delay < MAX_DELAY_MS; i++)
    delay *= 2;
  delay = MIN (delay, MAX_DELAY_MS);
  /* Equal jitter: half fixed, half random, so retries of many clients spread. */
  return (guint) (delay / 2 + g_random_int_range (0, (gint32) (delay / 2) + 1));
}

static void
request_stop_waiting (JdCpRequest *req)
{
  g_source_destroy (req->delay_source);
  g_clear_pointer (&req->delay_source, g_source_unref);
  if (req->cancel_source != NULL)
    {
      g_source_destroy (req->cancel_source);
      g_clear_pointer (&req->cancel_source, g_source_unref);
    }
}

static gboolean
retry_delay_done_cb (gpointer user_data)
{
  GTask *task = user_data;   /* owned: taken over in request_schedule_retry */
  JdCpRequest *req = g_task_get_task_data (task);

  request_stop_waiting (req);
  request_send (task);
  return G_SOURCE_REMOVE;
}

static gboolean
retry_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;   /* owned, as above */
  JdCpRequest *req = g_task_get_task_data (task);

  request_stop_waiting (req);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* Takes over the task reference; whichever source fires first uses it. */
static void
request_schedule_retry (GTask *task,
                        guint  delay_ms)
{
  JdCpRequest *req = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GMainContext *context = g_task_get_context (task);

  req->delay_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (req->delay_source, retry_delay_done_cb, task, NULL);
  g_source_attach (req->delay_source, context);

  if (cancellable != NULL)
    {
      req->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (req->cancel_source, G_SOURCE_FUNC (retry_cancelled_cb), task, NULL);
      g_source_attach (req->cancel_source, context);
    }
}

static gboolean
request_handle_page (GTask     *task,
                     JsonNode  *root,
                     GError   **error)
{
  JdCpRequest *req = g_task_get_task_data (task);
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *list;
  const char *token;

  if (object == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                   "The control plane sent a list that is not a JSON object.");
      return FALSE;
    }

  list = json_object_get_member (object, req->list_member);
  if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
    {
      JsonArray *array = json_node_get_array (list);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          gpointer item = req->parse (json_array_get_element (array, i), req->arg1, req->arg2, error);

          if (item == NULL)
            return FALSE;
          g_ptr_array_add (req->items, item);
        }
    }
  else if (list != NULL && !JSON_NODE_HOLDS_NULL (list))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                   "The control plane sent “%s” that is not a list.", req->list_member);
      return FALSE;
    }

  g_clear_pointer (&req->next_token, g_free);
  token = json_object_get_string_member_with_default (object, "nextToken", NULL);
  if (token != NULL && *token != '\0')
    req->next_token = g_strdup (token);
  return TRUE;
}

static void
request_finish_success (GTask *task,
                        GBytes *body)
{
  JdCpRequest *req = g_task_get_task_data (task);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);

  if (length > 0)
    {
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, data, length, &error))
        {
          g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                                   "The control plane sent a reply that is not JSON: %s", error->message);
          return;
        }
      root = json_parser_get_root (parser);
    }

  if (req->list_member != NULL)
    {
      if (root == NULL)
        {
          g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                                   "The control plane sent an empty reply to a list request.");
          return;
        }
      if (!request_handle_page (task, root, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (req->next_token != NULL)
        {
          req->attempt = 0;
          request_send (g_object_ref (task));
          return;
        }
      g_task_return_pointer (task, g_steal_pointer (&req->items), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (req->parse != NULL)
    {
      gpointer result;

      if (root == NULL)
        {
          g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                                   "The control plane sent an empty reply.");
          return;
        }
      result = req->parse (root, req->arg1, req->arg2, &error);
      if (result == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, result, req->result_free);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
send_and_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdControlPlane *self = g_task_get_source_object (task);
  JdCpRequest *req = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (msg);
  if (status >= 200 && status < 300)
    {
      request_finish_success (task, body);
      return;
    }

  error = error_from_response (msg, body);
  if (req->idempotent && req->attempt < self->max_attempts &&
      jd_control_plane_error_is_retryable (error))
    {
      guint delay = retry_delay_ms (self, req->attempt);

      g_debug ("%s %s: %s (HTTP %u); retry %u in %u ms", req->method, req->path,
               jd_control_plane_error_get_aws_type (error), status, req->attempt, delay);
      request_schedule_retry (g_steal_pointer (&task), delay);
      return;
    }

  g_task_return_error (task, g_steal_pointer (&error));
}

/* Builds, signs and sends one HTTP exchange. Takes over the task reference. */
static void
request_send (GTask *task)
{
  JdControlPlane *self = g_task_get_source_object (task);
  JdCpRequest *req = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GString) query = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *amz_date = NULL;
  SoupMessageHeaders *headers;
  JdSigv4Header sign_headers[2];
  JdSigv4Request sign_req = { 0 };
  JdSigv4Credentials sign_creds = { 0 };
  gsize n_headers = 0;
  gsize body_len = 0;
  const guint8 *body_data = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  req->attempt++;

  query = g_string_new (req->query);
  if (req->next_token != NULL)
    jd_cp_query_add (query, "nextToken", req->next_token);
  path = g_strconcat (self->base_path, req->path, NULL);
  url = g_strdup_printf ("%s://%s%s%s%s", g_uri_get_scheme (self->endpoint),
                         self->host_header, path,
                         query->len > 0 ? "?" : "", query->str);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION,
                               "Cannot build a request URL from “%s”: %s", url, error->message);
      g_object_unref (task);
      return;
    }

  msg = soup_message_new_from_uri (req->method, uri);
  headers = soup_message_get_request_headers (msg);

  /* Sign exactly the Host header that goes on the wire. */
  soup_message_headers_replace (headers, "Host", self->host_header);
  sign_headers[n_headers++] = (JdSigv4Header) { "Host", self->host_header };
  if (req->body != NULL)
    {
      soup_message_set_request_body_from_bytes (msg, "application/json", req->body);
      sign_headers[n_headers++] = (JdSigv4Header) { "Content-Type", "application/json" };
      body_data = g_bytes_get_data (req->body, &body_len);
    }
  soup_message_headers_replace (headers, "Accept", "application/json");

  sign_req.method = req->method;
  sign_req.path = path;
  sign_req.query = query->len > 0 ? query->str : NULL;
  sign_req.headers = sign_headers;
  sign_req.n_headers = n_headers;
  sign_req.body = body_data;
  sign_req.body_len = body_len;
  sign_creds.access_key_id = jd_credentials_get_access_key_id (self->credentials);
  sign_creds.secret_access_key = jd_credentials_get_secret_access_key (self->credentials);
  sign_creds.session_token = jd_credentials_get_session_token (self->credentials);
  sign_creds.region = self->region;

  now = g_date_time_new_now_utc ();
  jd_sigv4_sign (&sign_req, &sign_creds,
                 self->signing_service != NULL ? self->signing_service : JD_CONTROL_PLANE_SIGNING_SERVICE, now,
                 &authorization, &amz_date);
  soup_message_headers_replace (headers, "X-Amz-Date", amz_date);
  soup_message_headers_replace (headers, "Authorization", authorization);
  if (sign_creds.session_token != NULL)
    soup_message_headers_replace (headers, "X-Amz-Security-Token", sign_creds.session_token);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task),
                                    send_and_read_cb, task);
}

void
jd_cp_request_start (JdControlPlane      *self,
               JdCpRequest             *req,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  request_send (request_task_new (self, req, source_tag, cancellable, callback, user_data));
}

gpointer
jd_cp_finish_pointer (JdControlPlane  *self,
                GAsyncResult    *result,
                gpointer         source_tag,
                GError         **error)
{
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
jd_cp_finish_boolean (JdControlPlane  *self,
                GAsyncResult    *result,
                gpointer         source_tag,
                GError         **error)
{
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GString *
jd_cp_query_new_list (JdControlPlane *self)
{
  GString *query = g_string_new (NULL);

  g_string_append_printf (query, "maxResults=%u", self->page_size);
  return query;
}

void
jd_cp_request_make_list (JdCpRequest    *req,
                   const char *member,
                   JdCpParseFunc   parse)
{
  req->list_member = member;
  req->parse = parse;
  req->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/* GObject */

static void
jd_control_plane_finalize (GObject *object)
{
  JdControlPlane *self = (JdControlPlane *) object;

  g_clear_object (&self->session);
  g_clear_object (&self->credentials);
  g_clear_pointer (&self->endpoint, g_uri_unref);
  g_free (self->region);
  g_free (self->ca_path);
  g_free (self->signing_service);
  g_free (self->endpoint_url);
  g_free (self->host_header);
  g_free (self->base_path);

  G_OBJECT_CLASS (jd_control_plane_parent_class)->finalize (object);
}

static void
jd_control_plane_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  JdControlPlane *self = JD_CONTROL_PLANE (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_ENDPOINT_URL:
      g_value_set_string (value, self->endpoint_url);
      break;
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_control_plane_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  JdControlPlane *self = JD_CONTROL_PLANE (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      jd_control_plane_set_credentials (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_control_plane_class_init (JdControlPlaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jd_control_plane_finalize;
  object_class->get_property = jd_control_plane_get_property;
  object_class->set_property = jd_control_plane_set_property;

  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENDPOINT_URL] =
    g_param_spec_string ("endpoint-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL, JD_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_control_plane_init (JdControlPlane *self)
{
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->page_size = DEFAULT_PAGE_SIZE;
}

/* Public API */

char *
jd_control_plane_default_endpoint (const char *region)
{
  g_return_val_if_fail (region != NULL, NULL);

  if (g_str_has_prefix (region, "cn-"))
    return g_strdup_printf ("https://iot.%s.amazonaws.com.cn", region);
  return g_strdup_printf ("https://iot.%s.amazonaws.com", region);
}

/**
 * jd_control_plane_new:
 * @region: the AWS region (the SigV4 scope's region)
 * @endpoint_url: (nullable): an explicit endpoint, or %NULL for AWS's
 * @ca_path: (nullable): a PEM CA file to trust instead of the system's store
 * @credentials: the credentials to sign with
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a client, or %NULL if the endpoint or CA is unusable
 */
JdControlPlane *
jd_control_plane_new (const char     *region,
                      const char     *endpoint_url,
                      const char     *ca_path,
                      JdCredentials  *credentials,
                      GError        **error)
{
  g_autoptr(JdControlPlane) self = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *user_agent = NULL;
  const char *scheme;
  const char *host;
  const char *path;
  int port;

  g_return_val_if_fail (region != NULL && *region != '\0', NULL);
  g_return_val_if_fail (JD_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (JD_TYPE_CONTROL_PLANE, NULL);
  self->region = g_strdup (region);
  self->credentials = g_object_ref (credentials);
  self->endpoint_url = endpoint_url != NULL && *endpoint_url != '\0'
                       ? g_strdup (endpoint_url) : jd_control_plane_default_endpoint (region);

  self->endpoint = g_uri_parse (self->endpoint_url, SOUP_HTTP_URI_FLAGS, &local_error);
  scheme = self->endpoint != NULL ? g_uri_get_scheme (self->endpoint) : NULL;
  host = self->endpoint != NULL ? g_uri_get_host (self->endpoint) : NULL;
  if (self->endpoint == NULL || host == NULL || *host == '\0' ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION,
                   "“%s” is not a control-plane URL such as “https://iot.%s.amazonaws.com”.",
                   self->endpoint_url, region);
      return NULL;
    }

  /* The Host header as libsoup and the SDKs write it: the port only when not the default. */
  port = g_uri_get_port (self->endpoint);
  if (port == -1 || (strcmp (scheme, "https") == 0 && port == 443) ||
      (strcmp (scheme, "http") == 0 && port == 80))
    self->host_header = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", host) : g_strdup (host);
  else
    self->host_header = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%d", host, port)
                                                   : g_strdup_printf ("%s:%d", host, port);

  path = g_uri_get_path (self->endpoint);
  self->base_path = g_strdup (path != NULL ? path : "");
  if (g_str_has_suffix (self->base_path, "/"))
    self->base_path[strlen (self->base_path) - 1] = '\0';

  user_agent = g_strdup_printf ("jobdeck/%s", PACKAGE_VERSION);
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", 60,
                                                 NULL);
  if (ca_path != NULL && *ca_path != '\0')
    {
      self->ca_path = g_strdup (ca_path);
      database = g_tls_file_database_new (ca_path, &local_error);
      if (database == NULL)
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION,
                       "The control-plane CA file “%s” cannot be used: %s", ca_path, local_error->message);
          return NULL;
        }
      soup_session_set_tls_database (self->session, database);
    }

  return g_steal_pointer (&self);
}

/**
 * jd_control_plane_new_for_profile:
 * @profile: a connection profile
 * @credentials: the credentials found for it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a client for the profile's region, control-plane
 *   endpoint and control-plane CA
 */
JdControlPlane *
jd_control_plane_new_for_profile (JdProfile      *profile,
                                  JdCredentials  *credentials,
                                  GError        **error)
{
  g_autofree char *region = NULL;
  g_autofree char *url = NULL;
  g_autofree char *ca_path = NULL;

  g_return_val_if_fail (JD_IS_PROFILE (profile), NULL);

  region = jd_profile_dup_region (profile);
  url = jd_profile_dup_control_plane_url (profile);
  ca_path = jd_profile_dup_control_plane_ca_path (profile);
  return jd_control_plane_new (region, url, ca_path, credentials, error);
}

const char *
jd_control_plane_get_endpoint_url (JdControlPlane *self)
{
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), NULL);
  return self->endpoint_url;
}

const char *
jd_control_plane_get_region (JdControlPlane *self)
{
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), NULL);
  return self->region;
}

/* The CA file trusted instead of the system's store, or NULL. */
const char *
jd_control_plane_get_ca_path (JdControlPlane *self)
{
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), NULL);
  return self->ca_path;
}

JdCredentials *
jd_control_plane_get_credentials (JdControlPlane *self)
{
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), NULL);
  return self->credentials;
}

void
jd_control_plane_set_credentials (JdControlPlane *self,
                                  JdCredentials  *credentials)
{
  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (JD_IS_CREDENTIALS (credentials));

  if (g_set_object (&self->credentials, credentials))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREDENTIALS]);
}

void
jd_control_plane_set_retry_policy (JdControlPlane *self,
                                   guint           max_attempts,
                                   guint           base_delay_ms)
{
  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (max_attempts >= 1);

  self->max_attempts = max_attempts;
  self->base_delay_ms = MAX (base_delay_ms, 1);
}

void
jd_control_plane_set_page_size (JdControlPlane *self,
                                guint           page_size)
{
  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (page_size >= 1 && page_size <= 250);

  self->page_size = page_size;
}

void
jd_cp_set_signing_service (JdControlPlane *self,
                           const char     *service)
{
  g_return_if_fail (JD_IS_CONTROL_PLANE (self));

  g_free (self->signing_service);
  self->signing_service = g_strdup (service);
}

JdControlPlane *
jd_cp_new_sibling (JdControlPlane  *self,
                   const char      *endpoint_url,
                   GError         **error)
{
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), NULL);

  return jd_control_plane_new (self->region, endpoint_url, self->ca_path, self->credentials, error);
}
