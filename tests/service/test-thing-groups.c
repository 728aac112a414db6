/* test-thing-groups.c — static thing groups and continuous jobs (issue 12,
 * items 1 and 2) against a whole running sandbox: the real jobs service over
 * HTTPS (SigV4) on a SQLite file, and a device on the real broker.
 *
 * Each of the eight group operations' accepted and rejected answers (status,
 * x-amzn-ErrorType, body); bad input (NUL, over-long names, a 1 MiB body);
 * group targets expanded at CreateJob, a grandchild group's thing targeted
 * through the root; a CONTINUOUS job following membership (a thing that
 * joins gets a QUEUED execution and its device a notify-next over MQTT; one
 * that leaves has it REMOVED and its device told so; rejoining queues
 * execution number 2; an IN_PROGRESS execution runs on);
 * AssociateTargetsWithJob; the groups kept across a restart; and the
 * control-plane client's calls for all of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-thing-groups"

#include <string.h>

#include "jd-control-plane.h"
#include "jd-test-https.h"
#include "jd-test-sandbox.h"

#define ARN_PREFIX "arn:aws:iot:" JD_SANDBOX_REGION ":" JD_SANDBOX_ACCOUNT_ID ":"
#define WAIT_MS (10000 * jd_test_slowdown ())

typedef struct {
  JdTestSandbox *sandbox;
  JdTestClient   client;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *things[] = { "t1", "t2", "t3", "t4", "t5", NULL };
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

/* Calls and checks the status (and, for errors, AWS's type and a message). */
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
    {
      const char *message = json_object_get_string_member_with_default (object_of (reply), "message", NULL);

      g_assert_nonnull (message);
      g_assert_cmpuint (strlen (message), >, 0);
    }
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

/* The names in @member of the reply: strings, or each object's @field. */
static char *
names_of (JdTestReply *reply,
          const char  *member,
          const char  *field)
{
  JsonArray *array = json_object_get_array_member (object_of (reply), member);
  g_autoptr(GString) names = g_string_new (NULL);

  g_assert_nonnull (array);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *name = field == NULL ? json_node_get_string (item)
                                       : json_object_get_string_member (json_node_get_object (item), field);

      g_string_append_printf (names, "%s%s", i > 0 ? "," : "", name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static char *
list_names (Fixture    *f,
            const char *path,
            const char *member,
            const char *field)
{
  g_autoptr(JdTestReply) reply = call (f, "GET", path, NULL, 200, NULL);

  g_assert_false (json_object_has_member (object_of (reply), "nextToken"));
  return names_of (reply, member, field);
}

/* Every page of @path (which has a query) with maxResults=1. */
static char *
list_paged (Fixture    *f,
            const char *path,
            const char *member,
            const char *field)
{
  g_autoptr(GString) all = g_string_new (NULL);
  g_autofree char *token = NULL;
  guint pages = 0;

  do
    {
      g_autofree char *escaped = token != NULL ? g_uri_escape_string (token, NULL, FALSE) : NULL;
      g_autofree char *page_path = g_strdup_printf ("%s%smaxResults=1%s%s", path, strchr (path, '?') ? "&" : "?",
                                                    escaped != NULL ? "&nextToken=" : "",
                                                    escaped != NULL ? escaped : "");
      g_autoptr(JdTestReply) reply = call (f, "GET", page_path, NULL, 200, NULL);
      g_autofree char *names = names_of (reply, member, field);

      g_clear_pointer (&token, g_free);
      token = g_strdup (json_object_get_string_member_with_default (object_of (reply), "nextToken", NULL));
      if (names[0] != '\0')
        g_string_append_printf (all, "%s%s", all->len > 0 ? "," : "", names);
      g_assert_cmpuint (++pages, <, 20);
    }
  while (token != NULL);
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static char *
create_job_body (const char *const *targets,
                 const char        *selection)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; targets[i] != NULL; i++)
    json_builder_add_string_value (builder, targets[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "document");
  json_builder_add_string_value (builder, "{\"operation\":\"update\"}");
  if (selection != NULL)
    {
      json_builder_set_member_name (builder, "targetSelection");
      json_builder_add_string_value (builder, selection);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* The execution of @job on @thing: its status and number. */
static void
describe_execution (Fixture    *f,
                    const char *thing,
                    const char *job,
                    const char *status,
                    gint64      number)
{
  g_autofree char *path = g_strdup_printf ("/things/%s/jobs/%s", thing, job);
  g_autoptr(JdTestReply) reply = call (f, "GET", path, NULL, 200, NULL);
  JsonObject *e = json_object_get_object_member (object_of (reply), "execution");

  g_assert_cmpstr (json_object_get_string_member (e, "status"), ==, status);
  g_assert_cmpint (json_object_get_int_member (e, "executionNumber"), ==, number);
}

static void
membership (Fixture    *f,
            const char *operation,
            const char *group,
            const char *thing)
{
  g_autofree char *path = g_strdup_printf ("/thing-groups/%s", operation);
  g_autofree char *body = g_strdup_printf ("{\"thingGroupName\":\"%s\",\"thingName\":\"%s\"}", group, thing);
  g_autoptr(JdTestReply) reply = call (f, "PUT", path, body, 200, NULL);

  g_assert_cmpstr (reply->body, ==, "{}");
}

/* The next notify-next for @device: the job id of its execution, or NULL
 * when it says nothing is pending. */
static char *
expect_notify_next (JdTestDevice *device)
{
  g_autofree char *topic = g_strdup_printf ("$aws/things/%s/jobs/notify-next", jd_test_device_get_thing (device));
  g_autoptr(JsonNode) payload = jd_test_device_expect (device, topic, WAIT_MS, NULL);
  JsonObject *object;
  JsonObject *execution;

  g_assert_nonnull (payload);
  object = json_node_get_object (payload);
  g_assert_true (json_object_has_member (object, "timestamp"));
  if (!json_object_has_member (object, "execution"))
    return NULL;
  execution = json_object_get_object_member (object, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "QUEUED");
  return g_strdup (json_object_get_string_member (execution, "jobId"));
}

/* ---- tests ---- */

static void
test_operations (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JdTestReply) created = NULL;
  g_autoptr(JdTestReply) again = NULL;
  g_autoptr(JdTestReply) child = NULL;
  g_autoptr(JdTestReply) described = NULL;
  g_autofree char *names = NULL;
  JsonObject *o;
  JsonObject *metadata;
  JsonArray *chain;

  /* CreateThingGroup: a root with properties, idempotent, then a conflict. */
  created = call (f, "POST", "/thing-groups/fleet",
                  "{\"thingGroupProperties\":{\"thingGroupDescription\":\"all devices\","
                  "\"attributePayload\":{\"attributes\":{\"site\":\"berlin\"}}},"
                  "\"tags\":[{\"Key\":\"team\",\"Value\":\"ops\"}]}", 200, NULL);
  o = object_of (created);
  g_assert_cmpstr (json_object_get_string_member (o, "thingGroupName"), ==, "fleet");
  g_assert_cmpstr (json_object_get_string_member (o, "thingGroupArn"), ==, ARN_PREFIX "thinggroup/fleet");
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "thingGroupId")), ==, 36);
  again = call (f, "POST", "/thing-groups/fleet",
                "{\"thingGroupProperties\":{\"thingGroupDescription\":\"all devices\","
                "\"attributePayload\":{\"attributes\":{\"site\":\"berlin\"}}}}", 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (object_of (again), "thingGroupId"), ==,
                   json_object_get_string_member (o, "thingGroupId"));
  {
    g_autoptr(JdTestReply) conflict = call (f, "POST", "/thing-groups/fleet",
                                            "{\"thingGroupProperties\":{\"thingGroupDescription\":\"other\"}}",
                                            409, "ResourceAlreadyExistsException");

    g_assert_cmpstr (json_object_get_string_member (object_of (conflict), "resourceId"), ==, "fleet");
    g_assert_cmpstr (json_object_get_string_member (object_of (conflict), "resourceArn"), ==,
                     ARN_PREFIX "thinggroup/fleet");
  }

  /* A hierarchy: fleet > fleet-eu > fleet-eu-de; an unknown parent is 400. */
  child = call (f, "POST", "/thing-groups/fleet-eu", "{\"parentGroupName\":\"fleet\"}", 200, NULL);
  call_ok (f, "POST", "/thing-groups/fleet-eu-de", "{\"parentGroupName\":\"fleet-eu\"}");
  call_ok (f, "POST", "/thing-groups/lab:bench_1", NULL);
  call_error (f, "POST", "/thing-groups/orphan", "{\"parentGroupName\":\"nowhere\"}", 400, "InvalidRequestException");
  call_error (f, "POST", "/thing-groups/fleet-eu", "{\"parentGroupName\":\"lab:bench_1\"}",
              409, "ResourceAlreadyExistsException");

  /* DescribeThingGroup. */
  described = call (f, "GET", "/thing-groups/fleet-eu-de", NULL, 200, NULL);
  o = object_of (described);
  g_assert_cmpstr (json_object_get_string_member (o, "thingGroupName"), ==, "fleet-eu-de");
  g_assert_cmpstr (json_object_get_string_member (o, "thingGroupArn"), ==, ARN_PREFIX "thinggroup/fleet-eu-de");
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "thingGroupId")), ==, 36);
  g_assert_cmpint (json_object_get_int_member (o, "version"), ==, 1);
  g_assert_true (json_object_has_member (o, "thingGroupProperties"));
  metadata = json_object_get_object_member (o, "thingGroupMetadata");
  g_assert_cmpstr (json_object_get_string_member (metadata, "parentGroupName"), ==, "fleet-eu");
  g_assert_cmpint (ABS (json_object_get_int_member (metadata, "creationDate") - g_get_real_time () / G_USEC_PER_SEC),
                   <, 600);
  chain = json_object_get_array_member (metadata, "rootToParentThingGroups");
  g_assert_cmpuint (json_array_get_length (chain), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (chain, 0), "groupName"), ==, "fleet");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (chain, 1), "groupArn"), ==,
                   ARN_PREFIX "thinggroup/fleet-eu");
  {
    g_autoptr(JdTestReply) root = call (f, "GET", "/thing-groups/fleet", NULL, 200, NULL);
    JsonObject *props = json_object_get_object_member (object_of (root), "thingGroupProperties");

    g_assert_cmpstr (json_object_get_string_member (props, "thingGroupDescription"), ==, "all devices");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                       json_object_get_object_member (props, "attributePayload"), "attributes"), "site"), ==, "berlin");
    g_assert_false (json_object_has_member (json_object_get_object_member (object_of (root), "thingGroupMetadata"),
                                            "parentGroupName"));
  }
  call_error (f, "GET", "/thing-groups/missing", NULL, 404, "ResourceNotFoundException");

  /* ListThingGroups: all, paged, children, descendants, prefix. */
  names = list_names (f, "/thing-groups", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "fleet,fleet-eu,fleet-eu-de,lab:bench_1");
  g_clear_pointer (&names, g_free);
  names = list_paged (f, "/thing-groups", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "fleet,fleet-eu,fleet-eu-de,lab:bench_1");
  g_clear_pointer (&names, g_free);
  names = list_names (f, "/thing-groups?parentGroup=fleet", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "fleet-eu");
  g_clear_pointer (&names, g_free);
  names = list_names (f, "/thing-groups?parentGroup=fleet&recursive=true", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "fleet-eu,fleet-eu-de");
  g_clear_pointer (&names, g_free);
  names = list_names (f, "/thing-groups?namePrefixFilter=fleet-", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "fleet-eu,fleet-eu-de");
  g_clear_pointer (&names, g_free);
  {
    g_autoptr(JdTestReply) listed = call (f, "GET", "/thing-groups?maxResults=1", NULL, 200, NULL);
    JsonObject *item = json_array_get_object_element (json_object_get_array_member (object_of (listed), "thingGroups"), 0);

    g_assert_cmpstr (json_object_get_string_member (item, "groupArn"), ==, ARN_PREFIX "thinggroup/fleet");
    g_assert_true (json_object_has_member (object_of (listed), "nextToken"));
  }
  call_error (f, "GET", "/thing-groups?parentGroup=nowhere", NULL, 404, "ResourceNotFoundException");
  call_error (f, "GET", "/thing-groups?maxResults=0", NULL, 400, "InvalidRequestException");
  call_error (f, "GET", "/thing-groups?recursive=maybe", NULL, 400, "InvalidRequestException");
  call_error (f, "GET", "/thing-groups?nextToken=bm9wZQ", NULL, 400, "InvalidRequestException");

  /* AddThingToThingGroup: by name and by ARN; idempotent; one hierarchy. */
  membership (f, "addThingToThingGroup", "fleet-eu-de", "t1");
  membership (f, "addThingToThingGroup", "fleet-eu-de", "t1");
  call_ok (f, "PUT", "/thing-groups/addThingToThingGroup",
           "{\"thingGroupArn\":\"" ARN_PREFIX "thinggroup/fleet\",\"thingArn\":\"" ARN_PREFIX "thing/t2\","
           "\"overrideDynamicGroups\":false}");
  membership (f, "addThingToThingGroup", "lab:bench_1", "t1");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup", "{\"thingGroupName\":\"fleet\",\"thingName\":\"t1\"}",
              400, "InvalidRequestException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup", "{\"thingGroupName\":\"missing\",\"thingName\":\"t1\"}",
              404, "ResourceNotFoundException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup", "{\"thingGroupName\":\"fleet\",\"thingName\":\"ghost\"}",
              404, "ResourceNotFoundException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup", "{\"thingName\":\"t1\"}", 400, "InvalidRequestException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup",
              "{\"thingGroupName\":\"fleet\",\"thingGroupArn\":\"" ARN_PREFIX "thinggroup/lab:bench_1\",\"thingName\":\"t3\"}",
              400, "InvalidRequestException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup",
              "{\"thingGroupArn\":\"arn:aws:iot:eu-west-1:999999999999:thinggroup/fleet\",\"thingName\":\"t3\"}",
              404, "ResourceNotFoundException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup",
              "{\"thingGroupArn\":\"" ARN_PREFIX "thing/t3\",\"thingName\":\"t3\"}", 400, "InvalidRequestException");

  /* ListThingsInThingGroup and ListThingGroupsForThing. */
  names = list_names (f, "/thing-groups/fleet/things", "things", NULL);
  g_assert_cmpstr (names, ==, "t2");
  g_clear_pointer (&names, g_free);
  names = list_names (f, "/thing-groups/fleet/things?recursive=true", "things", NULL);
  g_assert_cmpstr (names, ==, "t1,t2");
  g_clear_pointer (&names, g_free);
  names = list_paged (f, "/thing-groups/fleet/things?recursive=true", "things", NULL);
  g_assert_cmpstr (names, ==, "t1,t2");
  g_clear_pointer (&names, g_free);
  names = list_names (f, "/things/t1/thing-groups", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "fleet-eu-de,lab:bench_1");
  g_clear_pointer (&names, g_free);
  names = list_paged (f, "/things/t1/thing-groups", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "fleet-eu-de,lab:bench_1");
  g_clear_pointer (&names, g_free);
  names = list_names (f, "/things/t5/thing-groups", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "");
  g_clear_pointer (&names, g_free);
  call_error (f, "GET", "/thing-groups/missing/things", NULL, 404, "ResourceNotFoundException");
  call_error (f, "GET", "/things/ghost/thing-groups", NULL, 404, "ResourceNotFoundException");

  /* RemoveThingFromThingGroup: idempotent; unknown names are 404. */
  membership (f, "removeThingFromThingGroup", "lab:bench_1", "t1");
  membership (f, "removeThingFromThingGroup", "lab:bench_1", "t1");
  names = list_names (f, "/things/t1/thing-groups", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "fleet-eu-de");
  g_clear_pointer (&names, g_free);
  call_error (f, "PUT", "/thing-groups/removeThingFromThingGroup",
              "{\"thingGroupName\":\"missing\",\"thingName\":\"t1\"}", 404, "ResourceNotFoundException");
  call_error (f, "PUT", "/thing-groups/removeThingFromThingGroup",
              "{\"thingGroupName\":\"fleet\",\"thingName\":\"ghost\"}", 404, "ResourceNotFoundException");

  /* DeleteThingGroup: not with children; expectedVersion; a missing group
   * is no error; a group with things can go; a deleted thing leaves. */
  call_error (f, "DELETE", "/thing-groups/fleet", NULL, 400, "InvalidRequestException");
  call_error (f, "DELETE", "/thing-groups/fleet-eu-de?expectedVersion=7", NULL, 409, "VersionConflictException");
  call_error (f, "DELETE", "/thing-groups/fleet-eu-de?expectedVersion=x", NULL, 400, "InvalidRequestException");
  call_ok (f, "DELETE", "/thing-groups/fleet-eu-de?expectedVersion=1", NULL);
  call_error (f, "GET", "/thing-groups/fleet-eu-de", NULL, 404, "ResourceNotFoundException");
  names = list_names (f, "/things/t1/thing-groups", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "");
  g_clear_pointer (&names, g_free);
  call_ok (f, "DELETE", "/thing-groups/fleet-eu-de", NULL);
  call_ok (f, "DELETE", "/things/t2", NULL);
  names = list_names (f, "/thing-groups/fleet/things", "things", NULL);
  g_assert_cmpstr (names, ==, "");
  g_clear_pointer (&names, g_free);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *long_name = g_strnfill (129, 'g');
  g_autofree char *path = g_strdup_printf ("/thing-groups/%s", long_name);
  g_autofree char *huge = g_strnfill (1024 * 1024, 'x');
  g_autofree char *huge_body = g_strdup_printf ("{\"thingGroupProperties\":{\"thingGroupDescription\":\"%s\"}}", huge);
  g_autofree char *long_label = g_strnfill (8 * 1024, 'n');
  g_autofree char *long_path = g_strdup_printf ("/thing-groups/%s", long_label);
  g_autofree char *huge_member = g_strdup_printf ("{\"thingGroupName\":\"%s\",\"thingName\":\"t1\"}", huge);
  g_autofree char *names = NULL;
  g_autoptr(JdTestReply) refused = NULL;
  const char *message;

  /* A NUL: in the path, in a body string. */
  call_error (f, "POST", "/thing-groups/bad%00name", NULL, 400, "InvalidRequestException");
  call_error (f, "GET", "/thing-groups/bad%00name/things", NULL, 400, "InvalidRequestException");
  call_error (f, "POST", "/thing-groups/ok", "{\"parentGroupName\":\"fleet\\u0000x\"}", 400, "InvalidRequestException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup", "{\"thingGroupName\":\"g\\u0000\",\"thingName\":\"t1\"}",
              400, "InvalidRequestException");

  /* Names: too long, outside the pattern, empty. */
  call_error (f, "POST", path, NULL, 400, "InvalidRequestException");
  call_error (f, "POST", "/thing-groups/bad%20name", NULL, 400, "InvalidRequestException");
  call_error (f, "GET", "/thing-groups?parentGroup=a%2Fb", NULL, 400, "InvalidRequestException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup", "{\"thingGroupName\":\"\",\"thingName\":\"t1\"}",
              400, "InvalidRequestException");
  call_error (f, "POST", "/thing-groups/ctl", "{\"thingGroupProperties\":{\"thingGroupDescription\":\"a\\nb\"}}",
              400, "InvalidRequestException");
  call_error (f, "POST", "/thing-groups/typed", "{\"thingGroupProperties\":[]}", 400, "InvalidRequestException");
  call_error (f, "POST", "/thing-groups/typed", "{\"parentGroupName\":7}", 400, "InvalidRequestException");

  /* 1 MiB in a description and in a member, 8 KiB in a path label (a
   * request line of 1 MiB is refused by the HTTP layer before any
   * handler): each a short, clear 400. */
  refused = call (f, "POST", "/thing-groups/big", huge_body, 400, "InvalidRequestException");
  message = json_object_get_string_member (object_of (refused), "message");
  g_assert_nonnull (strstr (message, "thingGroupDescription"));
  g_assert_cmpuint (strlen (refused->body), <, 1024);
  g_clear_pointer (&refused, jd_test_reply_free);
  refused = call (f, "POST", long_path, NULL, 400, "InvalidRequestException");
  g_assert_cmpuint (strlen (refused->body), <, 1024);
  g_clear_pointer (&refused, jd_test_reply_free);
  refused = call (f, "PUT", "/thing-groups/addThingToThingGroup", huge_member, 400, "InvalidRequestException");
  g_assert_cmpuint (strlen (refused->body), <, 1024);
  g_assert_nonnull (strstr (json_object_get_string_member (object_of (refused), "message"), "thingGroupName"));

  /* Not JSON; a body that is no object. */
  call_error (f, "POST", "/thing-groups/junk", "{oops", 400, "InvalidRequestException");
  call_error (f, "PUT", "/thing-groups/addThingToThingGroup", "[]", 400, "InvalidRequestException");

  /* Nothing of it was created. */
  names = list_names (f, "/thing-groups", "thingGroups", "groupName");
  g_assert_cmpstr (names, ==, "");
}

static void
test_job_targets (Fixture       *f,
                  gconstpointer  data)
{
  const char *mixed[] = { ARN_PREFIX "thing/t3", ARN_PREFIX "thinggroup/root", NULL };
  const char *unknown[] = { ARN_PREFIX "thinggroup/nowhere", NULL };
  const char *foreign[] = { "arn:aws:iot:eu-west-1:999999999999:thinggroup/root", NULL };
  const char *bad[] = { ARN_PREFIX "thinggroup/bad name", NULL };
  const char *empty[] = { ARN_PREFIX "thinggroup/empty", NULL };
  g_autofree char *body = create_job_body (mixed, NULL);
  g_autofree char *unknown_body = create_job_body (unknown, NULL);
  g_autofree char *foreign_body = create_job_body (foreign, NULL);
  g_autofree char *bad_body = create_job_body (bad, NULL);
  g_autofree char *empty_body = create_job_body (empty, NULL);
  g_autoptr(JdTestReply) job = NULL;
  g_autoptr(JdTestReply) empty_job = NULL;
  g_autofree char *names = NULL;
  JsonObject *details;
  JsonArray *targets;

  /* root > mid > leaf; t1 in leaf, t2 in root, t3 named directly (and in
   * mid, so targeted twice: one execution). */
  call_ok (f, "POST", "/thing-groups/root", NULL);
  call_ok (f, "POST", "/thing-groups/mid", "{\"parentGroupName\":\"root\"}");
  call_ok (f, "POST", "/thing-groups/leaf", "{\"parentGroupName\":\"mid\"}");
  call_ok (f, "POST", "/thing-groups/empty", NULL);
  membership (f, "addThingToThingGroup", "leaf", "t1");
  membership (f, "addThingToThingGroup", "root", "t2");
  membership (f, "addThingToThingGroup", "mid", "t3");

  call_ok (f, "PUT", "/jobs/group-job", body);
  names = list_names (f, "/jobs/group-job/things", "executionSummaries", "thingArn");
  g_assert_cmpstr (names, ==, ARN_PREFIX "thing/t1," ARN_PREFIX "thing/t2," ARN_PREFIX "thing/t3");
  g_clear_pointer (&names, g_free);
  describe_execution (f, "t1", "group-job", "QUEUED", 1);
  job = call (f, "GET", "/jobs/group-job", NULL, 200, NULL);
  targets = json_object_get_array_member (json_object_get_object_member (object_of (job), "job"), "targets");
  g_assert_cmpuint (json_array_get_length (targets), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (targets, 1), ==, ARN_PREFIX "thinggroup/root");
  details = json_object_get_object_member (json_object_get_object_member (object_of (job), "job"), "jobProcessDetails");
  g_assert_cmpint (json_object_get_int_member (details, "numberOfQueuedThings"), ==, 3);

  /* ListJobs by the group a job targets (by name or id), not by a group
   * that is only reached through it. */
  call_ok (f, "PUT", "/jobs/empty-job", empty_body);
  names = list_names (f, "/jobs?thingGroupName=root", "jobs", "jobId");
  g_assert_cmpstr (names, ==, "group-job");
  g_clear_pointer (&names, g_free);
  names = list_names (f, "/jobs?thingGroupName=mid", "jobs", "jobId");
  g_assert_cmpstr (names, ==, "");
  g_clear_pointer (&names, g_free);
  {
    g_autoptr(JdTestReply) root = call (f, "GET", "/thing-groups/empty", NULL, 200, NULL);
    g_autofree char *path = g_strdup_printf ("/jobs?thingGroupId=%s",
                                             json_object_get_string_member (object_of (root), "thingGroupId"));

    names = list_names (f, path, "jobs", "jobId");
    g_assert_cmpstr (names, ==, "empty-job");
    g_clear_pointer (&names, g_free);
  }
  call_error (f, "GET", "/jobs?thingGroupName=bad%20name", NULL, 400, "InvalidRequestException");

  /* A thing that joins later is no target of a SNAPSHOT job. */
  membership (f, "addThingToThingGroup", "root", "t4");
  call_error (f, "GET", "/things/t4/jobs/group-job", NULL, 404, "ResourceNotFoundException");

  /* Unknown, foreign and malformed group targets; nothing was created. */
  call_error (f, "PUT", "/jobs/bad-1", unknown_body, 404, "ResourceNotFoundException");
  call_error (f, "PUT", "/jobs/bad-2", foreign_body, 404, "ResourceNotFoundException");
  call_error (f, "PUT", "/jobs/bad-3", bad_body, 400, "InvalidRequestException");
  call_error (f, "GET", "/jobs/bad-1", NULL, 404, "ResourceNotFoundException");

  /* A SNAPSHOT job on an empty group has nothing to wait for. */
  empty_job = call (f, "GET", "/jobs/empty-job", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object_of (empty_job), "job"),
                                                  "status"), ==, "COMPLETED");

  /* AssociateTargetsWithJob refuses a SNAPSHOT job, and a missing one. */
  call_error (f, "POST", "/jobs/group-job/targets", "{\"targets\":[\"" ARN_PREFIX "thinggroup/empty\"]}",
              400, "InvalidRequestException");
  call_error (f, "POST", "/jobs/missing/targets", "{\"targets\":[\"" ARN_PREFIX "thinggroup/empty\"]}",
              404, "ResourceNotFoundException");
}

static void
test_continuous (Fixture       *f,
                 gconstpointer  data)
{
  const char *targets[] = { ARN_PREFIX "thinggroup/rollout", NULL };
  g_autofree char *body = create_job_body (targets, "CONTINUOUS");
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(JdTestDevice) device5 = NULL;
  g_autoptr(JdTestReply) job = NULL;
  g_autoptr(JdTestReply) associated = NULL;
  g_autofree char *next = NULL;
  g_autofree char *names = NULL;
  JsonObject *details;
  JsonArray *job_targets;
  guint notify_topic_count;

  device = jd_test_device_new (f->sandbox, "t4", &error);
  g_assert_no_error (error);
  device5 = jd_test_device_new (f->sandbox, "t5", &error);
  g_assert_no_error (error);

  call_ok (f, "POST", "/thing-groups/rollout", NULL);
  call_ok (f, "POST", "/thing-groups/rollout-canary", "{\"parentGroupName\":\"rollout\"}");
  membership (f, "addThingToThingGroup", "rollout", "t1");
  call_ok (f, "PUT", "/jobs/cont", body);
  describe_execution (f, "t1", "cont", "QUEUED", 1);
  names = list_names (f, "/jobs/cont/things", "executionSummaries", "thingArn");
  g_assert_cmpstr (names, ==, ARN_PREFIX "thing/t1");
  g_clear_pointer (&names, g_free);
  jd_test_device_flush (device);

  /* t4 joins a child of the target group: QUEUED, and its device is told
   * (notify with the job, then notify-next naming it). */
  membership (f, "addThingToThingGroup", "rollout-canary", "t4");
  describe_execution (f, "t4", "cont", "QUEUED", 1);
  {
    g_autoptr(JsonNode) notify = jd_test_device_expect (device, "$aws/things/t4/jobs/notify", WAIT_MS, NULL);
    JsonObject *jobs;

    g_assert_nonnull (notify);
    jobs = json_object_get_object_member (json_node_get_object (notify), "jobs");
    g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (json_object_get_array_member (jobs, "QUEUED"), 0), "jobId"),
                     ==, "cont");
  }
  next = expect_notify_next (device);
  g_assert_cmpstr (next, ==, "cont");
  g_clear_pointer (&next, g_free);

  /* Adding it again changes nothing: no second execution, no message. */
  membership (f, "addThingToThingGroup", "rollout-canary", "t4");
  notify_topic_count = jd_test_device_count (device, "$aws/things/t4/jobs/notify-next", 300);
  g_assert_cmpuint (notify_topic_count, ==, 0);

  /* t4 leaves: its QUEUED execution is REMOVED and notify-next says that
   * nothing is pending. */
  membership (f, "removeThingFromThingGroup", "rollout-canary", "t4");
  describe_execution (f, "t4", "cont", "REMOVED", 1);
  next = expect_notify_next (device);
  g_assert_null (next);
  job = call (f, "GET", "/jobs/cont", NULL, 200, NULL);
  details = json_object_get_object_member (json_object_get_object_member (object_of (job), "job"), "jobProcessDetails");
  g_assert_cmpint (json_object_get_int_member (details, "numberOfRemovedThings"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (details, "numberOfQueuedThings"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object_of (job), "job"), "status"),
                   ==, "IN_PROGRESS");
  g_clear_pointer (&job, jd_test_reply_free);

  /* It rejoins: execution number 2, QUEUED, announced again; the counters
   * follow the latest execution. */
  membership (f, "addThingToThingGroup", "rollout", "t4");
  describe_execution (f, "t4", "cont", "QUEUED", 2);
  next = expect_notify_next (device);
  g_assert_cmpstr (next, ==, "cont");
  g_clear_pointer (&next, g_free);
  job = call (f, "GET", "/jobs/cont", NULL, 200, NULL);
  details = json_object_get_object_member (json_object_get_object_member (object_of (job), "job"), "jobProcessDetails");
  g_assert_cmpint (json_object_get_int_member (details, "numberOfRemovedThings"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (details, "numberOfQueuedThings"), ==, 2);
  g_clear_pointer (&job, jd_test_reply_free);

  /* An IN_PROGRESS execution runs on when its thing leaves. */
  g_assert_true (jd_test_device_request (device, "start-next", "{}"));
  {
    g_autoptr(JsonNode) started = jd_test_device_expect_reply (device, "start-next/accepted", WAIT_MS);

    g_assert_nonnull (started);
  }
  membership (f, "removeThingFromThingGroup", "rollout", "t4");
  describe_execution (f, "t4", "cont", "IN_PROGRESS", 2);

  /* AssociateTargetsWithJob: a new group's things are queued at once and
   * the group is a target from then on. */
  call_ok (f, "POST", "/thing-groups/late", NULL);
  membership (f, "addThingToThingGroup", "late", "t5");
  jd_test_device_flush (device5);
  associated = call (f, "POST", "/jobs/cont/targets",
                     "{\"targets\":[\"" ARN_PREFIX "thinggroup/late\"],\"comment\":\"more devices\"}", 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (object_of (associated), "jobArn"), ==, ARN_PREFIX "job/cont");
  g_assert_cmpstr (json_object_get_string_member (object_of (associated), "jobId"), ==, "cont");
  describe_execution (f, "t5", "cont", "QUEUED", 1);
  next = expect_notify_next (device5);
  g_assert_cmpstr (next, ==, "cont");
  g_clear_pointer (&next, g_free);
  job = call (f, "GET", "/jobs/cont", NULL, 200, NULL);
  job_targets = json_object_get_array_member (json_object_get_object_member (object_of (job), "job"), "targets");
  g_assert_cmpuint (json_array_get_length (job_targets), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (job_targets, 1), ==, ARN_PREFIX "thinggroup/late");

  /* t5 is also in "late2", which the job does not target; leaving "late"
   * still removes it; deleting a group with a member removes too. */
  call_ok (f, "POST", "/thing-groups/late2", NULL);
  membership (f, "addThingToThingGroup", "late2", "t5");
  call_ok (f, "DELETE", "/thing-groups/late", NULL);
  describe_execution (f, "t5", "cont", "REMOVED", 1);
  next = expect_notify_next (device5);
  g_assert_null (next);

  /* Refusals: a target that does not exist, an empty list, a bad comment. */
  call_error (f, "POST", "/jobs/cont/targets", "{\"targets\":[\"" ARN_PREFIX "thinggroup/nowhere\"]}",
              404, "ResourceNotFoundException");
  call_error (f, "POST", "/jobs/cont/targets", "{\"targets\":[]}", 400, "InvalidRequestException");
  call_error (f, "POST", "/jobs/cont/targets",
              "{\"targets\":[\"" ARN_PREFIX "thinggroup/late2\"],\"comment\":\"a\\u0007b\"}", 400, "InvalidRequestException");

  /* A canceled continuous job follows no one. */
  call_ok (f, "PUT", "/jobs/cont/cancel", "{}");
  membership (f, "addThingToThingGroup", "rollout", "t3");
  call_error (f, "GET", "/things/t3/jobs/cont", NULL, 404, "ResourceNotFoundException");
  call_error (f, "POST", "/jobs/cont/targets", "{\"targets\":[\"" ARN_PREFIX "thinggroup/late2\"]}",
              400, "InvalidRequestException");
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  const char *targets[] = { ARN_PREFIX "thinggroup/kept", NULL };
  g_autofree char *body = create_job_body (targets, "CONTINUOUS");
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestReply) described = NULL;
  g_autofree char *names = NULL;

  call_ok (f, "POST", "/thing-groups/kept", NULL);
  call_ok (f, "POST", "/thing-groups/kept-child", "{\"parentGroupName\":\"kept\"}");
  membership (f, "addThingToThingGroup", "kept-child", "t1");
  call_ok (f, "PUT", "/jobs/kept-job", body);

  g_assert_true (jd_test_sandbox_restart (f->sandbox, &error));
  g_assert_no_error (error);
  /* A new JdSandbox: its keys (the old one's strings are gone). */
  f->client.access_key_id = jd_sandbox_get_access_key_id (jd_test_sandbox_get_sandbox (f->sandbox));
  f->client.secret_access_key = jd_sandbox_get_secret_access_key (jd_test_sandbox_get_sandbox (f->sandbox));

  described = call (f, "GET", "/thing-groups/kept-child", NULL, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object_of (described),
                                                                                 "thingGroupMetadata"),
                                                  "parentGroupName"), ==, "kept");
  names = list_names (f, "/thing-groups/kept/things?recursive=true", "things", NULL);
  g_assert_cmpstr (names, ==, "t1");
  /* The continuous job still follows the group. */
  membership (f, "addThingToThingGroup", "kept", "t2");
  describe_execution (f, "t2", "kept-job", "QUEUED", 1);
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

static char *
joined (GPtrArray *names)
{
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static void
test_client (Fixture       *f,
             gconstpointer  data)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  const char *targets[] = { ARN_PREFIX "thinggroup/c-root", NULL };
  const char *more[] = { ARN_PREFIX "thinggroup/c-extra", NULL };
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

  /* Create (root and child) and describe. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_create_thing_group_async (cp, "c-root", NULL, "client made", NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_create_thing_group_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "thingGroupArn"), ==,
                     ARN_PREFIX "thinggroup/c-root");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_create_thing_group_async (cp, "c-child", "c-root", NULL, NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_create_thing_group_finish (cp, result, &error);
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_describe_thing_group_async (cp, "c-child", NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_describe_thing_group_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (reply),
                                                                                   "thingGroupMetadata"),
                                                    "parentGroupName"), ==, "c-root");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_describe_thing_group_async (cp, "c-missing", NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_describe_thing_group_finish (cp, result, &error);
    g_assert_null (reply);
    g_assert_nonnull (error);
    g_assert_cmpstr (jd_control_plane_error_get_aws_type (error), ==, "ResourceNotFoundException");
    g_clear_error (&error);
  }

  /* Membership, and the three listings (page size 1: every page followed). */
  {
    g_autoptr(GAsyncResult) result = NULL;

    jd_control_plane_add_thing_to_thing_group_async (cp, "c-child", "t1", NULL, result_cb, &slot);
    result = wait_result (&slot);
    g_assert_true (jd_control_plane_add_thing_to_thing_group_finish (cp, result, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    jd_control_plane_add_thing_to_thing_group_async (cp, "c-root", "t2", NULL, result_cb, &slot);
    result = wait_result (&slot);
    g_assert_true (jd_control_plane_add_thing_to_thing_group_finish (cp, result, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_autofree char *text = NULL;

    jd_control_plane_list_thing_groups_async (cp, NULL, FALSE, NULL, result_cb, &slot);
    result = wait_result (&slot);
    names = jd_control_plane_list_thing_groups_finish (cp, result, &error);
    g_assert_no_error (error);
    text = joined (names);
    g_assert_cmpstr (text, ==, "c-child,c-root");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_autofree char *text = NULL;

    jd_control_plane_list_thing_groups_async (cp, "c-root", TRUE, NULL, result_cb, &slot);
    result = wait_result (&slot);
    names = jd_control_plane_list_thing_groups_finish (cp, result, &error);
    g_assert_no_error (error);
    text = joined (names);
    g_assert_cmpstr (text, ==, "c-child");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_autofree char *text = NULL;

    jd_control_plane_list_things_in_thing_group_async (cp, "c-root", TRUE, NULL, result_cb, &slot);
    result = wait_result (&slot);
    names = jd_control_plane_list_things_in_thing_group_finish (cp, result, &error);
    g_assert_no_error (error);
    text = joined (names);
    g_assert_cmpstr (text, ==, "t1,t2");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_autofree char *text = NULL;

    jd_control_plane_list_thing_groups_for_thing_async (cp, "t1", NULL, result_cb, &slot);
    result = wait_result (&slot);
    names = jd_control_plane_list_thing_groups_for_thing_finish (cp, result, &error);
    g_assert_no_error (error);
    text = joined (names);
    g_assert_cmpstr (text, ==, "c-child");
  }

  /* A continuous job on the root, then AssociateTargetsWithJob. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JdJob) job = NULL;

    jd_control_plane_create_job_async (cp, "c-job", targets, "{\"op\":\"x\"}", NULL, JD_TARGET_SELECTION_CONTINUOUS,
                                       0, NULL, result_cb, &slot);
    result = wait_result (&slot);
    job = jd_control_plane_create_job_finish (cp, result, &error);
    g_assert_no_error (error);
  }
  describe_execution (f, "t1", "c-job", "QUEUED", 1);
  call_ok (f, "POST", "/thing-groups/c-extra", NULL);
  membership (f, "addThingToThingGroup", "c-extra", "t3");
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_associate_targets_with_job_async (cp, "c-job", more, "extra", NULL, result_cb, &slot);
    result = wait_result (&slot);
    reply = jd_control_plane_associate_targets_with_job_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "jobId"), ==, "c-job");
  }
  describe_execution (f, "t3", "c-job", "QUEUED", 1);

  /* Remove, then delete with a stale and the right version. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    jd_control_plane_remove_thing_from_thing_group_async (cp, "c-child", "t1", NULL, result_cb, &slot);
    result = wait_result (&slot);
    g_assert_true (jd_control_plane_remove_thing_from_thing_group_finish (cp, result, &error));
    g_assert_no_error (error);
  }
  describe_execution (f, "t1", "c-job", "REMOVED", 1);
  {
    g_autoptr(GAsyncResult) result = NULL;

    jd_control_plane_delete_thing_group_async (cp, "c-child", 5, NULL, result_cb, &slot);
    result = wait_result (&slot);
    g_assert_false (jd_control_plane_delete_thing_group_finish (cp, result, &error));
    g_assert_cmpstr (jd_control_plane_error_get_aws_type (error), ==, "VersionConflictException");
    g_clear_error (&error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    jd_control_plane_delete_thing_group_async (cp, "c-child", 1, NULL, result_cb, &slot);
    result = wait_result (&slot);
    g_assert_true (jd_control_plane_delete_thing_group_finish (cp, result, &error));
    g_assert_no_error (error);
  }
  call_error (f, "GET", "/thing-groups/c-child", NULL, 404, "ResourceNotFoundException");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/thing-groups/operations", Fixture, NULL, fixture_set_up, test_operations, fixture_tear_down);
  g_test_add ("/thing-groups/bad-input", Fixture, NULL, fixture_set_up, test_bad_input, fixture_tear_down);
  g_test_add ("/thing-groups/job-targets", Fixture, NULL, fixture_set_up, test_job_targets, fixture_tear_down);
  g_test_add ("/thing-groups/continuous", Fixture, NULL, fixture_set_up, test_continuous, fixture_tear_down);
  g_test_add ("/thing-groups/restart", Fixture, NULL, fixture_set_up, test_restart, fixture_tear_down);
  g_test_add ("/thing-groups/client", Fixture, NULL, fixture_set_up, test_client, fixture_tear_down);

  return g_test_run ();
}
