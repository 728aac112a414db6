/* jd-jobs-client.c — the AWS IoT Jobs device API for one thing.
 *
 * Every request carries a fresh clientToken (a UUID) and waits for the
 * accepted/rejected reply that echoes it, with a timeout and a cancellable;
 * a request in flight when the connection drops fails with
 * JD_JOBS_ERROR_DISCONNECTED. The live model is filled by get-pending on
 * every (re)connect and kept current by notify, notify-next and the replies
 * to our own requests — it is never polled.
 *
 * Subscriptions are the least-privilege filters of an IoT jobs policy (see
 * jd_topic_build_device_filters()); on AWS replies reach the requester even
 * unsubscribed, on a plain broker they need these subscriptions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs-client"

#include <string.h>

#include "jd-json.h"
#include "jd-jobs-client.h"
#include "jd-jobs-error.h"
#include "jd-rules.h"
#include "jd-topic.h"

#define NOTIFY_LIST_CAP         JD_NOTIFY_JOBS_MAX
#define RESYNC_RETRY_MIN        1000   /* ms; doubles per failure */
#define RESYNC_RETRY_MAX        30000
/* A resync's own request timeout, doubling per failure up to the client's:
 * after a broker restart the first request can go before the jobs service
 * has subscribed again (then it is simply lost), and waiting the whole
 * request timeout for it kept the window out of date for over 10 s. */
#define RESYNC_TIMEOUT_MIN      2000u

typedef struct {
  JdJobsClient      *self;
  GTask             *task;
  char              *token;
  JdTopicOperation   operation;
  char              *job_id;        /* describe / update */
  guint              timeout_id;
  guint              timeout_ms;     /* 0: the client's request timeout */
  GCancellable      *cancellable;
  gulong             cancel_id;
  /* update: what was asked, applied to the model when accepted */
  JdExecutionStatus  status;
  GHashTable        *details;
} Request;

struct _JdJobsClient
{
  GObject           parent_instance;

  JdMqttConnection *connection;
  char             *thing_name;
  JdExecutionList  *executions;
  JdEventLog       *events;
  guint             timeout;
  GHashTable       *requests;      /* clientToken → Request */
  GCancellable     *cancellable;   /* our own subscribe and resync calls */
  gulong            message_id;
  gulong            state_id;
  gboolean          subscribed;
  gboolean          syncing;
  gboolean          resync_again;
  gboolean          synced;
  guint             resync_retry_id;
  guint             resync_failures;
};

G_DEFINE_FINAL_TYPE (JdJobsClient, jd_jobs_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_THING_NAME,
  PROP_EXECUTIONS,
  PROP_EVENT_LOG,
  PROP_REQUEST_TIMEOUT,
  PROP_SYNCED,
  N_PROPS
};

enum {
  SIGNAL_JOB_EXECUTIONS_CHANGED,
  SIGNAL_NEXT_JOB_EXECUTION_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void resync (JdJobsClient *self);

/* ---- requests ---- */

static void
request_free (Request *request)
{
  g_clear_handle_id (&request->timeout_id, g_source_remove);
  if (request->cancel_id != 0)
    g_cancellable_disconnect (request->cancellable, request->cancel_id);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->task);
  g_clear_pointer (&request->details, g_hash_table_unref);
  g_free (request->token);
  g_free (request->job_id);
  g_free (request);
}

/* Takes the request out of the table so nothing else completes it. */
static Request *
request_steal (JdJobsClient *self,
               const char   *token)
{
  Request *request = g_hash_table_lookup (self->requests, token);

  if (request != NULL)
    g_hash_table_steal (self->requests, token);
  return request;
}

static void
request_fail (Request *request,
              GError  *error)
{
  GTask *task = g_object_ref (request->task);

  request_free (request);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
request_return (Request        *request,
                gpointer        result,
                GDestroyNotify  result_destroy)
{
  GTask *task = g_object_ref (request->task);

  request_free (request);
  g_task_return_pointer (task, result, result_destroy);
  g_object_unref (task);
}

static gboolean
request_timeout_cb (gpointer data)
{
  Request *request = data;
  JdJobsClient *self = request->self;

  request->timeout_id = 0;
  request = request_steal (self, request->token);
  request_fail (request, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_TIMEOUT,
                                      "the jobs service did not answer within %u seconds",
                                      (self->timeout + 999) / 1000));
  return G_SOURCE_REMOVE;
}

typedef struct {
  JdJobsClient *self;
  char         *token;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_object_unref (data->self);
  g_free (data->token);
  g_free (data);
}

static gboolean
request_cancelled_idle (gpointer user_data)
{
  CancelData *data = user_data;
  Request *request = request_steal (data->self, data->token);

  if (request != NULL)
    {
      GError *error = NULL;

      g_cancellable_set_error_if_cancelled (request->cancellable, &error);
      request_fail (request, error);
    }

  return G_SOURCE_REMOVE;
}

static void
request_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  Request *request = user_data;
  CancelData *data = g_new0 (CancelData, 1);
  GSource *source = g_idle_source_new ();

  /* Not from inside the handler: the cancellable's lock is held. */
  data->self = g_object_ref (request->self);
  data->token = g_strdup (request->token);
  g_source_set_callback (source, request_cancelled_idle, data, (GDestroyNotify) cancel_data_free);
  g_source_set_static_name (source, "[jd-jobs-client] cancel");
  g_source_attach (source, g_task_get_context (request->task));
  g_source_unref (source);
}

static void
fail_all_requests (JdJobsClient *self,
                   const GError *error)
{
  g_autoptr(GList) tokens = g_hash_table_get_keys (self->requests);

  for (const GList *l = tokens; l != NULL; l = l->next)
    {
      Request *request = request_steal (self, l->data);

      if (request != NULL)
        request_fail (request, g_error_copy (error));
    }
}

static void
log_event (JdJobsClient     *self,
           JdEventDirection  direction,
           const char       *kind,
           const char       *topic,
           GBytes           *payload)
{
  g_autoptr(JdEvent) event = jd_event_new (NULL, direction, kind, topic, payload);

  jd_event_log_append (self->events, event);
}

static const char *
kind_name (JdTopicKind kind)
{
  switch (kind)
    {
    case JD_TOPIC_KIND_ACCEPTED: return "accepted";
    case JD_TOPIC_KIND_REJECTED: return "rejected";
    case JD_TOPIC_KIND_REQUEST:
    default:                     return "request";
    }
}

typedef struct {
  GWeakRef  self;
  char     *token;
} PublishData;

static void
publish_data_free (PublishData *data)
{
  g_weak_ref_clear (&data->self);
  g_free (data->token);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PublishData, publish_data_free)

static void
publish_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PublishData) data = user_data;
  g_autoptr(JdJobsClient) self = NULL;
  g_autoptr(GError) error = NULL;
  Request *request;

  if (jd_mqtt_connection_publish_finish (JD_MQTT_CONNECTION (object), result, &error))
    return;

  self = g_weak_ref_get (&data->self);
  if (self == NULL)
    return;

  request = request_steal (self, data->token);
  if (request != NULL)
    request_fail (request, g_steal_pointer (&error));
}

/* Starts @request: publishes @payload (a JSON object with clientToken) to
 * the request topic. Takes @request. */
static void
request_send (JdJobsClient *self,
              Request      *request,
              JsonBuilder  *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autofree char *topic = NULL;
  g_autofree char *kind = NULL;
  PublishData *publish;
  char *text;

  json_builder_set_member_name (builder, "clientToken");
  json_builder_add_string_value (builder, request->token);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  payload = g_bytes_new_take (text, strlen (text));

  topic = jd_topic_build (self->thing_name, request->operation, request->job_id, JD_TOPIC_KIND_REQUEST);
  g_assert (topic != NULL);

  request->timeout_id = g_timeout_add (request->timeout_ms != 0 ? request->timeout_ms : self->timeout,
                                       request_timeout_cb, request);
  if (request->cancellable != NULL)
    request->cancel_id = g_cancellable_connect (request->cancellable,
                                                G_CALLBACK (request_cancelled_cb), request, NULL);
  g_hash_table_insert (self->requests, request->token, request);

  kind = g_strdup_printf ("%s request", jd_topic_operation_to_string (request->operation));
  log_event (self, JD_EVENT_DIRECTION_OUT, kind, topic, payload);

  publish = g_new0 (PublishData, 1);
  g_weak_ref_init (&publish->self, self);
  publish->token = g_strdup (request->token);
  jd_mqtt_connection_publish_async (self->connection, topic, payload, 1, NULL,
                                    publish_done_cb, publish);
}

static Request *
request_new (JdJobsClient        *self,
             JdTopicOperation     operation,
             const char          *job_id,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  Request *request = g_new0 (Request, 1);

  request->self = self;
  request->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->task, source_tag);
  request->token = g_uuid_string_random ();
  request->operation = operation;
  request->job_id = g_strdup (job_id);
  request->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  return request;
}

static JsonBuilder *
begin_payload (void)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  return builder;
}

static gboolean
details_valid (GHashTable  *details,
               GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  if (details == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, details);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *k = key, *v = value;

      if (!jd_rules_is_valid_status_details_key (k, -1))
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                       "“%s” is not a valid status detail name", k);
          return FALSE;
        }

      if (!jd_rules_is_valid_status_details_value (v, -1))
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                       "the value of status detail “%s” must be 1 to %d printable characters",
                       k, JD_STATUS_DETAILS_VALUE_MAX);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * jd_jobs_request_add_status_details:
 * @details: (nullable): string → string
 *
 * Adds "statusDetails" (keys sorted) to the object @builder is in; nothing
 * when @details is %NULL.
 */
void
jd_jobs_request_add_status_details (JsonBuilder *builder,
                                    GHashTable  *details)
{
  g_autoptr(GList) keys = NULL;

  if (details == NULL)
    return;

  keys = g_list_sort (g_hash_table_get_keys (details), (GCompareFunc) strcmp);
  json_builder_set_member_name (builder, "statusDetails");
  json_builder_begin_object (builder);
  for (const GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (builder, l->data);
      json_builder_add_string_value (builder, g_hash_table_lookup (details, l->data));
    }
  json_builder_end_object (builder);
}

static GHashTable *
details_copy (GHashTable *details)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, details);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

/* ---- replies ---- */

static JdExecution *
parse_execution (JdJobsClient  *self,
                 JsonObject    *object,
                 GError       **error)
{
  JdExecution *execution = jd_execution_new_from_json (object, error);

  if (execution != NULL && jd_execution_get_thing_name (execution) == NULL)
    jd_execution_set_thing_name (execution, self->thing_name);
  return execution;
}

static gboolean
parse_summaries (JdJobsClient       *self,
                 JsonObject         *object,
                 const char         *member,
                 JdExecutionStatus   status,
                 GPtrArray          *out,
                 GError            **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                   "the reply's “%s” is not a list", member);
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JdExecution *execution;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                       "an entry of “%s” is not an object", member);
          return FALSE;
        }

      execution = jd_execution_new_from_summary (json_node_get_object (element), status, error);
      if (execution == NULL)
        return FALSE;
      jd_execution_set_thing_name (execution, self->thing_name);
      g_ptr_array_add (out, execution);
    }

  return TRUE;
}

static GListModel *
executions_to_store (GPtrArray *executions)
{
  GListStore *store = g_list_store_new (JD_TYPE_EXECUTION);

  g_list_store_splice (store, 0, 0, executions->pdata, executions->len);
  return G_LIST_MODEL (store);
}

static void
handle_get_pending_accepted (JdJobsClient *self,
                             Request      *request,
                             JsonObject   *object)
{
  g_autoptr(GPtrArray) executions = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;

  if (!parse_summaries (self, object, "inProgressJobs", JD_EXECUTION_STATUS_IN_PROGRESS, executions, &error) ||
      !parse_summaries (self, object, "queuedJobs", JD_EXECUTION_STATUS_QUEUED, executions, &error))
    {
      request_fail (request, error);
      return;
    }

  jd_execution_list_replace (self->executions, executions);

  /* Hand out the model's objects where it has them. */
  for (guint i = 0; i < executions->len; i++)
    {
      JdExecution *listed = jd_execution_list_lookup (self->executions,
                                                      jd_execution_get_job_id (g_ptr_array_index (executions, i)));

      if (listed != NULL && listed != g_ptr_array_index (executions, i))
        {
          g_object_unref (g_ptr_array_index (executions, i));
          executions->pdata[i] = g_object_ref (listed);
        }
    }

  request_return (request, executions_to_store (executions), g_object_unref);
}

/* start-next and describe: an optional `execution`. */
static void
handle_execution_accepted (JdJobsClient *self,
                           Request      *request,
                           JsonObject   *object)
{
  JsonNode *node = json_object_get_member (object, "execution");
  g_autoptr(JdExecution) execution = NULL;
  JdExecution *listed;
  GError *error = NULL;
  gboolean is_next = request->operation == JD_TOPIC_OP_START_NEXT ||
                     jd_topic_is_next_job_id (request->job_id, -1);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!is_next)
        {
          request_fail (request, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                                              "the reply describes no execution of job “%s”",
                                              request->job_id));
          return;
        }

      /* Nothing pending. */
      jd_execution_list_clear (self->executions);
      request_return (request, NULL, NULL);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      request_fail (request, g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                                                  "the reply's “execution” is not an object"));
      return;
    }

  execution = parse_execution (self, json_node_get_object (node), &error);
  if (execution == NULL)
    {
      request_fail (request, error);
      return;
    }

  if (!is_next && strcmp (jd_execution_get_job_id (execution), request->job_id) != 0)
    {
      request_fail (request, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                                          "the reply describes job “%s”, not “%s”",
                                          jd_execution_get_job_id (execution), request->job_id));
      return;
    }

  listed = jd_execution_list_upsert (self->executions, execution, TRUE);
  if (listed == NULL)
    jd_execution_list_remove (self->executions, jd_execution_get_job_id (execution));

  request_return (request, g_object_ref (listed ? listed : execution), g_object_unref);
}

static void
handle_update_accepted (JdJobsClient *self,
                        Request      *request,
                        JsonObject   *object)
{
  JsonNode *state = json_object_get_member (object, "executionState");
  JsonNode *document = json_object_get_member (object, "jobDocument");
  JdExecution *listed = jd_execution_list_lookup (self->executions, request->job_id);
  g_autoptr(JdExecution) target = NULL;
  GError *error = NULL;

  if (listed != NULL)
    target = g_object_ref (listed);
  else
    {
      target = jd_execution_new (request->job_id);
      jd_execution_set_thing_name (target, self->thing_name);
    }

  if (state != NULL && JSON_NODE_HOLDS_OBJECT (state))
    {
      if (!jd_execution_update_from_state (target, json_node_get_object (state), &error))
        {
          request_fail (request, error);
          return;
        }
    }
  else
    {
      /* Without executionState, what we asked for is what happened; AWS
       * bumps the version once per accepted update. */
      g_object_freeze_notify (G_OBJECT (target));
      jd_execution_set_status (target, request->status);
      if (request->details != NULL)
        jd_execution_set_status_details (target, request->details);
      if (listed != NULL)
        jd_execution_set_version_number (target, jd_execution_get_version_number (target) + 1);
      g_object_thaw_notify (G_OBJECT (target));
    }

  if (document != NULL && !JSON_NODE_HOLDS_NULL (document))
    jd_execution_set_job_document (target, document);

  if (listed != NULL)
    jd_execution_list_changed (self->executions, listed);

  request_return (request, g_steal_pointer (&target), g_object_unref);
}

static void
handle_rejected (JdJobsClient *self,
                 Request      *request,
                 JsonObject   *object)
{
  const char *code = NULL, *message = NULL;
  gboolean has_code, has_message;
  JsonNode *state = json_object_get_member (object, "executionState");
  JsonObject *state_object = NULL;
  GError *error = NULL;

  if (!jd_json_read_string (object, "code", &has_code, &code, &error) ||
      !jd_json_read_string (object, "message", &has_message, &message, &error))
    {
      request_fail (request, error);
      return;
    }

  if (!has_code)
    {
      request_fail (request, g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                                                  "the rejection has no “code”"));
      return;
    }

  if (state != NULL && JSON_NODE_HOLDS_OBJECT (state))
    state_object = json_node_get_object (state);

  /* The service told us the real state: the model takes it. */
  if (state_object != NULL && request->job_id != NULL)
    {
      JdExecution *listed = jd_execution_list_lookup (self->executions, request->job_id);

      if (listed != NULL && jd_execution_update_from_state (listed, state_object, NULL))
        jd_execution_list_changed (self->executions, listed);
    }

  request_fail (request, jd_jobs_error_new_rejected (code, has_message ? message : NULL, state_object));
}

static void
handle_reply (JdJobsClient       *self,
              const JdTopicParts *parts,
              const char         *topic,
              JsonObject         *object)
{
  const char *token = NULL;
  gboolean has_token;
  Request *request;

  if (!jd_json_read_string (object, "clientToken", &has_token, &token, NULL) || !has_token)
    {
      g_debug ("%s: a reply without our clientToken on %s", self->thing_name, topic);
      return;
    }

  request = g_hash_table_lookup (self->requests, token);
  if (request == NULL)
    {
      g_debug ("%s: a reply to a request we no longer wait for (%s)", self->thing_name, token);
      return;
    }

  if (request->operation != parts->operation ||
      !jd_topic_parts_job_id_equal (parts, request->job_id))
    {
      g_warning ("%s: ignoring a reply on %s: its clientToken belongs to a %s request",
                 self->thing_name, topic, jd_topic_operation_to_string (request->operation));
      return;
    }

  request = request_steal (self, token);

  if (parts->kind == JD_TOPIC_KIND_REJECTED)
    {
      handle_rejected (self, request, object);
      return;
    }

  switch (parts->operation)
    {
    case JD_TOPIC_OP_GET_PENDING:
      handle_get_pending_accepted (self, request, object);
      break;
    case JD_TOPIC_OP_START_NEXT:
    case JD_TOPIC_OP_DESCRIBE:
      handle_execution_accepted (self, request, object);
      break;
    case JD_TOPIC_OP_UPDATE:
      handle_update_accepted (self, request, object);
      break;
    case JD_TOPIC_OP_NONE:
    case JD_TOPIC_OP_NOTIFY:
    case JD_TOPIC_OP_NOTIFY_NEXT:
    default:
      g_assert_not_reached ();
    }
}

/* ---- notifications ---- */

static void
handle_notify (JdJobsClient *self,
               const char   *topic,
               JsonObject   *object)
{
  g_autoptr(GPtrArray) executions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListModel) store = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *jobs = json_object_get_member (object, "jobs");
  JsonObject *lists = NULL;

  if (jobs != NULL && JSON_NODE_HOLDS_OBJECT (jobs))
    lists = json_node_get_object (jobs);
  else if (jobs != NULL && !JSON_NODE_HOLDS_NULL (jobs))
    {
      g_warning ("%s: ignoring a malformed notify: its “jobs” is not an object", self->thing_name);
      return;
    }

  if (lists != NULL &&
      (!parse_summaries (self, lists, "IN_PROGRESS", JD_EXECUTION_STATUS_IN_PROGRESS, executions, &error) ||
       !parse_summaries (self, lists, "QUEUED", JD_EXECUTION_STATUS_QUEUED, executions, &error)))
    {
      g_warning ("%s: ignoring a malformed notify: %s", self->thing_name, error->message);
      return;
    }

  store = executions_to_store (executions);
  g_signal_emit (self, signals[SIGNAL_JOB_EXECUTIONS_CHANGED], 0, store);

  /* A full list is the whole pending set; a capped one may hide some. */
  if (executions->len >= NOTIFY_LIST_CAP)
    resync (self);
  else
    jd_execution_list_replace (self->executions, executions);
}

static void
handle_notify_next (JdJobsClient *self,
                    const char   *topic,
                    JsonObject   *object)
{
  JsonNode *node = json_object_get_member (object, "execution");
  g_autoptr(JdExecution) execution = NULL;
  g_autoptr(GError) error = NULL;
  JdExecution *listed;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      /* Nothing is pending any more. */
      g_signal_emit (self, signals[SIGNAL_NEXT_JOB_EXECUTION_CHANGED], 0, NULL);
      jd_execution_list_clear (self->executions);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      (execution = parse_execution (self, json_node_get_object (node), &error)) == NULL)
    {
      g_warning ("%s: ignoring a malformed notify-next: %s", self->thing_name,
                 error ? error->message : "“execution” is not an object");
      return;
    }

  listed = jd_execution_list_upsert (self->executions, execution, TRUE);
  if (listed != NULL)
    jd_execution_list_set_next (self->executions, listed);
  g_signal_emit (self, signals[SIGNAL_NEXT_JOB_EXECUTION_CHANGED], 0, listed ? listed : execution);
}

static void
message_cb (JdMqttConnection *connection,
            const char       *topic,
            GBytes           *payload,
            gpointer          user_data)
{
  JdJobsClient *self = user_data;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kind = NULL;
  JdTopicParts parts;
  JsonNode *root;
  const char *data;
  gsize size;

  if (jd_topic_parse_for_thing (topic, -1, self->thing_name, &parts) == JD_TOPIC_PARSE_NOT_JOBS)
    return;

  if (parts.operation == JD_TOPIC_OP_NOTIFY || parts.operation == JD_TOPIC_OP_NOTIFY_NEXT)
    kind = g_strdup (jd_topic_operation_to_string (parts.operation));
  else if (parts.operation == JD_TOPIC_OP_NONE)
    kind = g_strdup ("invalid topic");
  else
    kind = g_strdup_printf ("%s %s", jd_topic_operation_to_string (parts.operation), kind_name (parts.kind));
  log_event (self, JD_EVENT_DIRECTION_IN, kind, topic, payload);

  /* Our own requests (echoed by a plain broker) and unknown topics. */
  if (parts.operation == JD_TOPIC_OP_NONE ||
      (parts.kind == JD_TOPIC_KIND_REQUEST &&
       parts.operation != JD_TOPIC_OP_NOTIFY && parts.operation != JD_TOPIC_OP_NOTIFY_NEXT))
    return;

  data = g_bytes_get_data (payload, &size);
  parser = json_parser_new ();
  if (size == 0 || !json_parser_load_from_data (parser, data, size, &error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_warning ("%s: ignoring a malformed message on %s: %s", self->thing_name, topic,
                 error ? error->message : "not a JSON object");
      return;
    }

  if (parts.operation == JD_TOPIC_OP_NOTIFY)
    handle_notify (self, topic, json_node_get_object (root));
  else if (parts.operation == JD_TOPIC_OP_NOTIFY_NEXT)
    handle_notify_next (self, topic, json_node_get_object (root));
  else
    handle_reply (self, &parts, topic, json_node_get_object (root));
}

/* ---- sync ---- */

static void
set_synced (JdJobsClient *self,
            gboolean      synced)
{
  if (self->synced == synced)
    return;
  self->synced = synced;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED]);
}

static gboolean
resync_retry_cb (gpointer data)
{
  JdJobsClient *self = data;

  self->resync_retry_id = 0;
  if (jd_mqtt_connection_get_state (self->connection) == JD_MQTT_STATE_CONNECTED)
    resync (self);
  return G_SOURCE_REMOVE;
}

/* GetPendingJobExecutions with its own request timeout (0: the client's). */
static void
get_pending (JdJobsClient        *self,
             guint                timeout_ms,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;
  Request *request;

  request = request_new (self, JD_TOPIC_OP_GET_PENDING, NULL, cancellable, callback, user_data,
                         jd_jobs_client_get_pending_async);
  request->timeout_ms = timeout_ms;
  builder = begin_payload ();
  request_send (self, request, builder);
}

static void
resync_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  JdJobsClient *self = JD_JOBS_CLIENT (object);
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GError) error = NULL;

  list = jd_jobs_client_get_pending_finish (self, result, &error);
  self->syncing = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      /* E.g. the service is not back yet after a broker restart: try again
       * later while connected, backing off. */
      guint delay = RESYNC_RETRY_MIN << MIN (self->resync_failures, 5);

      delay = MIN (delay, RESYNC_RETRY_MAX);
      self->resync_failures++;
      g_debug ("%s: resync failed (%s); again in %u ms", self->thing_name, error->message, delay);
      if (!self->resync_again &&
          jd_mqtt_connection_get_state (self->connection) == JD_MQTT_STATE_CONNECTED)
        {
          g_clear_handle_id (&self->resync_retry_id, g_source_remove);
          self->resync_retry_id = g_timeout_add (delay, resync_retry_cb, self);
        }
    }
  else
    {
      self->resync_failures = 0;
      if (!self->resync_again)
        set_synced (self, TRUE);
    }

  if (self->resync_again &&
      jd_mqtt_connection_get_state (self->connection) == JD_MQTT_STATE_CONNECTED)
    resync (self);
}

static void
resync (JdJobsClient *self)
{
  if (self->syncing)
    {
      self->resync_again = TRUE;
      return;
    }

  g_clear_handle_id (&self->resync_retry_id, g_source_remove);
  self->syncing = TRUE;
  self->resync_again = FALSE;
  get_pending (self, MIN (self->timeout, RESYNC_TIMEOUT_MIN << MIN (self->resync_failures, 5)),
               self->cancellable, resync_done_cb, NULL);
}

static void
subscribed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(JdJobsClient) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_weak_ref_clear (weak);
  g_free (weak);

  ok = jd_mqtt_connection_subscribe_finish (JD_MQTT_CONNECTION (object), result, &error);
  if (self == NULL)
    return;

  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s: cannot subscribe to the jobs topics: %s", self->thing_name, error->message);
      return;
    }

  self->subscribed = TRUE;
  if (jd_mqtt_connection_get_state (self->connection) == JD_MQTT_STATE_CONNECTED)
    resync (self);
}

static void
subscribe (JdJobsClient *self)
{
  g_auto(GStrv) filters = jd_topic_build_device_filters (self->thing_name);
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  /* Weak: the subscription may wait for a connection that never comes. */
  g_weak_ref_init (weak, self);
  jd_mqtt_connection_subscribe_async (self->connection, (const char *const *) filters, 1,
                                      self->cancellable, subscribed_cb, weak);
}

static void
state_changed_cb (JdMqttConnection *connection,
                  GParamSpec       *pspec,
                  gpointer          user_data)
{
  JdJobsClient *self = user_data;

  if (jd_mqtt_connection_get_state (connection) == JD_MQTT_STATE_CONNECTED)
    {
      /* The connection re-subscribed before saying so. */
      if (self->subscribed)
        resync (self);
      return;
    }

  set_synced (self, FALSE);
  g_clear_handle_id (&self->resync_retry_id, g_source_remove);
  self->resync_failures = 0;
  if (g_hash_table_size (self->requests) > 0)
    {
      const char *reason = jd_mqtt_connection_get_last_error_message (connection);
      g_autoptr(GError) error = g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED,
                                             "disconnected from the broker%s%s",
                                             reason ? ": " : "", reason ? reason : "");

      fail_all_requests (self, error);
    }
}

/* ---- GObject ---- */

static void
jd_jobs_client_constructed (GObject *object)
{
  JdJobsClient *self = (JdJobsClient *) object;

  G_OBJECT_CLASS (jd_jobs_client_parent_class)->constructed (object);

  g_assert (self->connection != NULL);
  g_assert (jd_topic_is_valid_thing_name (self->thing_name, -1));

  self->message_id = g_signal_connect (self->connection, "message", G_CALLBACK (message_cb), self);
  self->state_id = g_signal_connect (self->connection, "notify::state", G_CALLBACK (state_changed_cb), self);
  subscribe (self);
}

static void
jd_jobs_client_dispose (GObject *object)
{
  JdJobsClient *self = (JdJobsClient *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->resync_retry_id, g_source_remove);
  if (self->connection != NULL)
    {
      g_clear_signal_handler (&self->message_id, self->connection);
      g_clear_signal_handler (&self->state_id, self->connection);
    }
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (jd_jobs_client_parent_class)->dispose (object);
}

static void
jd_jobs_client_finalize (GObject *object)
{
  JdJobsClient *self = (JdJobsClient *) object;

  /* Requests hold a ref on us through their tasks: none are left here. */
  g_hash_table_unref (self->requests);
  g_clear_object (&self->executions);
  g_clear_object (&self->events);
  g_clear_object (&self->cancellable);
  g_free (self->thing_name);

  G_OBJECT_CLASS (jd_jobs_client_parent_class)->finalize (object);
}

static void
jd_jobs_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JdJobsClient *self = JD_JOBS_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_THING_NAME:
      g_value_set_string (value, self->thing_name);
      break;
    case PROP_EXECUTIONS:
      g_value_set_object (value, self->executions);
      break;
    case PROP_EVENT_LOG:
      g_value_set_object (value, self->events);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_SYNCED:
      g_value_set_boolean (value, self->synced);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_jobs_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  JdJobsClient *self = JD_JOBS_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_THING_NAME:
      self->thing_name = g_value_dup_string (value);
      break;
    case PROP_REQUEST_TIMEOUT:
      jd_jobs_client_set_request_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_jobs_client_class_init (JdJobsClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = jd_jobs_client_constructed;
  object_class->dispose = jd_jobs_client_dispose;
  object_class->finalize = jd_jobs_client_finalize;
  object_class->get_property = jd_jobs_client_get_property;
  object_class->set_property = jd_jobs_client_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, JD_TYPE_MQTT_CONNECTION, construct);
  properties[PROP_THING_NAME] =
    g_param_spec_string ("thing-name", NULL, NULL, NULL, construct);
  properties[PROP_EXECUTIONS] =
    g_param_spec_object ("executions", NULL, NULL, JD_TYPE_EXECUTION_LIST, ro);
  properties[PROP_EVENT_LOG] =
    g_param_spec_object ("event-log", NULL, NULL, JD_TYPE_EVENT_LOG, ro);
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL, 1, G_MAXINT, JD_JOBS_CLIENT_DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * JdJobsClient:synced:
   *
   * Whether the live model reflects a get-pending made on the current
   * connection.
   */
  properties[PROP_SYNCED] =
    g_param_spec_boolean ("synced", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdJobsClient::job-executions-changed:
   * @self: the client
   * @executions: (type GListModel): the pending executions it lists (at most 10 on AWS)
   *
   * A JobExecutionsChanged (`notify`) arrived.
   */
  signals[SIGNAL_JOB_EXECUTIONS_CHANGED] =
    g_signal_new ("job-executions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_LIST_MODEL);

  /**
   * JdJobsClient::next-job-execution-changed:
   * @self: the client
   * @execution: (nullable): the new next execution; %NULL when nothing is pending
   *
   * A NextJobExecutionChanged (`notify-next`) arrived.
   */
  signals[SIGNAL_NEXT_JOB_EXECUTION_CHANGED] =
    g_signal_new ("next-job-execution-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JD_TYPE_EXECUTION);
}

static void
jd_jobs_client_init (JdJobsClient *self)
{
  self->timeout = JD_JOBS_CLIENT_DEFAULT_TIMEOUT;
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) request_free);
  self->executions = jd_execution_list_new ();
  self->events = jd_event_log_new (0);
  self->cancellable = g_cancellable_new ();
}

/* ---- public API ---- */

/**
 * jd_jobs_client_new:
 * @connection: the thing's MQTT connection (connected or not)
 * @thing_name: a valid thing name (see jd_topic_is_valid_thing_name())
 *
 * Subscribes the thing's jobs topics and keeps the live model in sync on
 * every connection.
 *
 * Returns: (transfer full): a new client
 */
JdJobsClient *
jd_jobs_client_new (JdMqttConnection *connection,
                    const char       *thing_name)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (connection), NULL);
  g_return_val_if_fail (jd_topic_is_valid_thing_name (thing_name, -1), NULL);

  return g_object_new (JD_TYPE_JOBS_CLIENT, "connection", connection, "thing-name", thing_name, NULL);
}

JdMqttConnection *
jd_jobs_client_get_connection (JdJobsClient *self)
{
  g_return_val_if_fail (JD_IS_JOBS_CLIENT (self), NULL);
  return self->connection;
}

const char *
jd_jobs_client_get_thing_name (JdJobsClient *self)
{
  g_return_val_if_fail (JD_IS_JOBS_CLIENT (self), NULL);
  return self->thing_name;
}

/**
 * jd_jobs_client_get_executions:
 * @self: a client
 *
 * Returns: (transfer none): the live model of pending executions
 */
JdExecutionList *
jd_jobs_client_get_executions (JdJobsClient *self)
{
  g_return_val_if_fail (JD_IS_JOBS_CLIENT (self), NULL);
  return self->executions;
}

/**
 * jd_jobs_client_get_event_log:
 * @self: a client
 *
 * Returns: (transfer none): the log of messages sent and received
 */
JdEventLog *
jd_jobs_client_get_event_log (JdJobsClient *self)
{
  g_return_val_if_fail (JD_IS_JOBS_CLIENT (self), NULL);
  return self->events;
}

guint
jd_jobs_client_get_request_timeout (JdJobsClient *self)
{
  g_return_val_if_fail (JD_IS_JOBS_CLIENT (self), 0);
  return self->timeout;
}

/**
 * jd_jobs_client_set_request_timeout:
 * @self: a client
 * @msec: how long a request waits for its reply (default 10 s)
 */
void
jd_jobs_client_set_request_timeout (JdJobsClient *self,
                                    guint         msec)
{
  g_return_if_fail (JD_IS_JOBS_CLIENT (self));
  g_return_if_fail (msec > 0);

  if (self->timeout == msec)
    return;
  self->timeout = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_TIMEOUT]);
}

gboolean
jd_jobs_client_get_synced (JdJobsClient *self)
{
  g_return_val_if_fail (JD_IS_JOBS_CLIENT (self), FALSE);
  return self->synced;
}

static gboolean
fail_early (GTask  *task,
            GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
  return TRUE;
}

void
jd_jobs_client_get_pending_async (JdJobsClient        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (JD_IS_JOBS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  get_pending (self, 0, cancellable, callback, user_data);
}

/**
 * jd_jobs_client_get_pending_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): a list of #JdExecution, IN_PROGRESS first
 */
GListModel *
jd_jobs_client_get_pending_finish (JdJobsClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * jd_jobs_client_start_next_async:
 * @self: a client
 * @status_details: (nullable): details set if a QUEUED execution is started
 * @step_timeout_in_minutes: 0 for none, else 1–10080
 * @cancellable: (nullable): a cancellable
 * @callback: called with the reply
 * @user_data: data for @callback
 */
void
jd_jobs_client_start_next_async (JdJobsClient        *self,
                                 GHashTable          *status_details,
                                 gint64               step_timeout_in_minutes,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;
  GError *error = NULL;
  Request *request;

  g_return_if_fail (JD_IS_JOBS_CLIENT (self));

  if (step_timeout_in_minutes < 0 || step_timeout_in_minutes > JD_STEP_TIMEOUT_MINUTES_MAX)
    error = g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                         "the step timeout must be 1 to %d minutes", JD_STEP_TIMEOUT_MINUTES_MAX);
  else
    details_valid (status_details, &error);

  if (error != NULL)
    {
      GTask *task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, jd_jobs_client_start_next_async);
      fail_early (task, error);
      return;
    }

  request = request_new (self, JD_TOPIC_OP_START_NEXT, NULL, cancellable, callback, user_data,
                         jd_jobs_client_start_next_async);
  builder = begin_payload ();
  jd_jobs_request_add_status_details (builder, status_details);
  if (step_timeout_in_minutes > 0)
    {
      json_builder_set_member_name (builder, "stepTimeoutInMinutes");
      json_builder_add_int_value (builder, step_timeout_in_minutes);
    }
  request_send (self, request, builder);
}

/**
 * jd_jobs_client_start_next_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the started (or already running)
 *   execution; %NULL without @error set when nothing is pending
 */
JdExecution *
jd_jobs_client_start_next_finish (JdJobsClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
jd_jobs_client_describe_async (JdJobsClient        *self,
                               const char          *job_id,
                               gint64               execution_number,
                               gboolean             include_job_document,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;
  Request *request;

  g_return_if_fail (JD_IS_JOBS_CLIENT (self));

  if (!jd_topic_is_valid_job_id (job_id, -1) && !jd_topic_is_next_job_id (job_id, -1))
    {
      GTask *task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, jd_jobs_client_describe_async);
      fail_early (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                                     "“%s” is not a valid job id", job_id ? job_id : ""));
      return;
    }

  request = request_new (self, JD_TOPIC_OP_DESCRIBE, job_id, cancellable, callback, user_data,
                         jd_jobs_client_describe_async);
  builder = begin_payload ();
  if (execution_number >= 0)
    {
      json_builder_set_member_name (builder, "executionNumber");
      json_builder_add_int_value (builder, execution_number);
    }
  json_builder_set_member_name (builder, "includeJobDocument");
  json_builder_add_boolean_value (builder, include_job_document);
  request_send (self, request, builder);
}

/**
 * jd_jobs_client_describe_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the execution; %NULL without @error
 *   set when `$next` finds nothing pending
 */
JdExecution *
jd_jobs_client_describe_finish (JdJobsClient  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
jd_jobs_client_update_async (JdJobsClient          *self,
                             const char            *job_id,
                             JdExecutionStatus      status,
                             const JdUpdateOptions *options,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  static const JdUpdateOptions defaults = JD_UPDATE_OPTIONS_INIT;
  g_autoptr(JsonBuilder) builder = NULL;
  GError *error = NULL;
  Request *request;

  g_return_if_fail (JD_IS_JOBS_CLIENT (self));

  if (options == NULL)
    options = &defaults;

  if (!jd_topic_is_valid_job_id (job_id, -1))
    error = g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                         "“%s” is not a valid job id", job_id ? job_id : "");
  else if (status == JD_EXECUTION_STATUS_UNKNOWN || (guint) status > JD_EXECUTION_STATUS_CANCELED)
    error = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                                 "an update needs a status");
  else if (options->step_timeout_in_minutes < -1 || options->step_timeout_in_minutes > JD_STEP_TIMEOUT_MINUTES_MAX)
    error = g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                         "the step timeout must be 1 to %d minutes, or -1 to cancel it",
                         JD_STEP_TIMEOUT_MINUTES_MAX);
  else
    details_valid (options->status_details, &error);

  if (error != NULL)
    {
      GTask *task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, jd_jobs_client_update_async);
      fail_early (task, error);
      return;
    }

  request = request_new (self, JD_TOPIC_OP_UPDATE, job_id, cancellable, callback, user_data,
                         jd_jobs_client_update_async);
  request->status = status;
  if (options->status_details != NULL)
    request->details = details_copy (options->status_details);

  builder = begin_payload ();
  jd_jobs_request_add_update_members (builder, status, options);
  request_send (self, request, builder);
}

/**
 * jd_jobs_client_update_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an error; a rejection keeps AWS's code and
 *   message, and jd_jobs_error_get_execution_state() gives its executionState
 *
 * Returns: (transfer full): the execution as now known
 */
JdExecution *
jd_jobs_client_update_finish (JdJobsClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * jd_jobs_request_add_update_members:
 *
 * Adds an UpdateJobExecution request's members — status, statusDetails,
 * expectedVersion, executionNumber, includeJobExecutionState,
 * includeJobDocument, stepTimeoutInMinutes — to the object @builder is in:
 * the same over MQTT (beside clientToken) and over HTTPS.
 */
void
jd_jobs_request_add_update_members (JsonBuilder           *builder,
                                    JdExecutionStatus      status,
                                    const JdUpdateOptions *options)
{
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, jd_execution_status_to_string (status));
  if (options == NULL)
    return;
  jd_jobs_request_add_status_details (builder, options->status_details);
  if (options->expected_version >= 0)
    {
      json_builder_set_member_name (builder, "expectedVersion");
      json_builder_add_int_value (builder, options->expected_version);
    }
  if (options->execution_number >= 0)
    {
      json_builder_set_member_name (builder, "executionNumber");
      json_builder_add_int_value (builder, options->execution_number);
    }
  if (options->include_job_execution_state)
    {
      json_builder_set_member_name (builder, "includeJobExecutionState");
      json_builder_add_boolean_value (builder, TRUE);
    }
  if (options->include_job_document)
    {
      json_builder_set_member_name (builder, "includeJobDocument");
      json_builder_add_boolean_value (builder, TRUE);
    }
  if (options->step_timeout_in_minutes != JD_JOBS_STEP_TIMEOUT_UNSET)
    {
      json_builder_set_member_name (builder, "stepTimeoutInMinutes");
      json_builder_add_int_value (builder, options->step_timeout_in_minutes);
    }
}
