/* test-cli.c — the built jobdeck-cli as a subprocess (stdin/stdout/stderr
 * pipes) against a real sandbox (mosquitto + the jobs service, started in
 * this process by the jd-test-sandbox fixture): the JobsSandbox walkthrough
 * of a fresh thing through two jobs, checked line by line; every rejected
 * code the CLI can provoke; usage errors; --json parsed back; one-shot exit
 * codes; a thing that does not exist yet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "jd-test-sandbox.h"

#define STEP_TIMEOUT_MS  10000
#define QUIET_MS         300

typedef struct {
  GSubprocess      *process;
  GOutputStream    *input;
  GDataInputStream *out;
  GDataInputStream *err;
  GQueue            out_lines;
  GQueue            err_lines;
  gboolean          out_eof;
  gboolean          err_eof;
  gboolean          exited;
  int               status;
} Cli;

static void read_line (Cli *cli, GDataInputStream *stream);

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Cli *cli = user_data;
  GDataInputStream *stream = G_DATA_INPUT_STREAM (source);
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (stream, result, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    {
      if (stream == cli->out)
        cli->out_eof = TRUE;
      else
        cli->err_eof = TRUE;
      return;
    }
  g_test_message ("%s %s", stream == cli->out ? "out:" : "err:", line);
  g_queue_push_tail (stream == cli->out ? &cli->out_lines : &cli->err_lines, line);
  read_line (cli, stream);
}

static void
read_line (Cli              *cli,
           GDataInputStream *stream)
{
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, NULL, line_cb, cli);
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Cli *cli = user_data;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL));
  cli->status = g_subprocess_get_if_exited (G_SUBPROCESS (source))
    ? g_subprocess_get_exit_status (G_SUBPROCESS (source)) : -1;
  cli->exited = TRUE;
}

static gboolean
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Predicate) (Cli *cli, guint n);

static gboolean
has_out_lines (Cli   *cli,
               guint  n)
{
  return g_queue_get_length (&cli->out_lines) >= n;
}

static gboolean
has_err_lines (Cli   *cli,
               guint  n)
{
  return g_queue_get_length (&cli->err_lines) >= n;
}

static gboolean
has_exited (Cli   *cli,
            guint  n)
{
  return cli->exited && cli->out_eof && cli->err_eof;
}

/* Iterates the default context (where the sandbox runs) until @predicate
 * holds or @ms pass. */
static gboolean
wait_for (Cli       *cli,
          Predicate  predicate,
          guint      n,
          guint      ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, flag_cb, &timed_out);

  while (!predicate (cli, n) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return predicate (cli, n);
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static Cli *
cli_start_with_env (JdTestSandbox      *sandbox,
                    const char * const *args,
                    const char * const *env)
{
  Cli *cli = g_new0 (Cli, 1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) JOBDECK_CLI_PATH);
  if (sandbox != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--sandbox");
      g_ptr_array_add (argv, (gpointer) jd_test_sandbox_get_dir (sandbox));
    }
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* A NULL value removes the variable. */
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    if (env[i + 1] != NULL)
      g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
    else
      g_subprocess_launcher_unsetenv (launcher, env[i]);
  cli->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  cli->input = g_subprocess_get_stdin_pipe (cli->process);
  cli->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (cli->process));
  cli->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (cli->process));
  read_line (cli, cli->out);
  read_line (cli, cli->err);
  g_subprocess_wait_async (cli->process, NULL, exited_cb, cli);
  return cli;
}

static Cli *
cli_start (JdTestSandbox      *sandbox,
           const char * const *args)
{
  return cli_start_with_env (sandbox, args, NULL);
}

static void
cli_send (Cli        *cli,
          const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  g_test_message ("in:  %s", line);
  g_output_stream_write_all (cli->input, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
cli_close_input (Cli *cli)
{
  g_assert_true (g_output_stream_close (cli->input, NULL, NULL));
}

/* Waits for the process to end; returns its exit code. */
static int
cli_wait (Cli *cli)
{
  g_assert_true (wait_for (cli, has_exited, 0, 20000));
  return cli->status;
}

static void
cli_free (Cli *cli)
{
  if (!cli->exited)
    {
      g_subprocess_force_exit (cli->process);
      wait_for (cli, has_exited, 0, 5000);
    }
  g_queue_clear_full (&cli->out_lines, g_free);
  g_queue_clear_full (&cli->err_lines, g_free);
  g_clear_object (&cli->out);
  g_clear_object (&cli->err);
  g_clear_object (&cli->process);
  g_free (cli);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cli, cli_free)

/* Runs a one-shot jobdeck-cli to its end with @env (name, value, …, NULL)
 * added to its environment; returns its exit code. */
static int
run_one_shot_with_env (JdTestSandbox      *sandbox,
                       const char * const *args,
                       const char * const *env,
                       Cli               **cli_out)
{
  Cli *cli = cli_start_with_env (sandbox, args, env);
  int status;

  cli_close_input (cli);
  status = cli_wait (cli);
  if (cli_out != NULL)
    *cli_out = cli;
  else
    cli_free (cli);
  return status;
}

static int
run_one_shot (JdTestSandbox      *sandbox,
              const char * const *args,
              Cli               **cli_out)
{
  return run_one_shot_with_env (sandbox, args, NULL, cli_out);
}

static JdTestSandbox *
start_sandbox (void)
{
  g_autoptr(GError) error = NULL;
  JdTestSandbox *sandbox = jd_test_sandbox_new (NULL, &error);

  g_assert_no_error (error);
  return sandbox;
}

/* ---- reading the text output ---- */

typedef struct {
  GPtrArray *responses;   /* "Name" → JsonObject, in a parallel array */
  GPtrArray *response_names;
  GPtrArray *events;
  GPtrArray *event_names;
} Step;

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
step_free (Step *step)
{
  g_ptr_array_unref (step->responses);
  g_ptr_array_unref (step->response_names);
  g_ptr_array_unref (step->events);
  g_ptr_array_unref (step->event_names);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

static void
split_response (Step       *result,
                const char *line)
{
  const char *colon = strstr (line, "Response: ");

  g_assert_nonnull (colon);
  g_ptr_array_add (result->response_names, g_strndup (line, colon - line));
  g_ptr_array_add (result->responses, parse_object (colon + strlen ("Response: ")));
}

/* Sends @command, waits for exactly @n_lines lines on stdout (none more
 * within a quiet period, nothing on stderr) and sorts them into responses
 * and events; every line must be one or the other, in the sample's format. */
static Step *
step_full (Cli        *cli,
           const char *command,
           guint       n_lines)
{
  Step *result = g_new0 (Step, 1);

  result->responses = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  result->response_names = g_ptr_array_new_with_free_func (g_free);
  result->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  result->event_names = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, 0);
  cli_send (cli, command);
  g_assert_true (wait_for (cli, has_out_lines, n_lines, STEP_TIMEOUT_MS));
  spin (QUIET_MS);
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, n_lines);
  g_assert_cmpuint (g_queue_get_length (&cli->err_lines), ==, 0);

  while (!g_queue_is_empty (&cli->out_lines))
    {
      g_autofree char *line = g_queue_pop_head (&cli->out_lines);

      if (g_str_has_prefix (line, "Received ") && strstr (line, " event: ") != NULL)
        {
          const char *name = line + strlen ("Received ");
          const char *end = strstr (name, " event: ");

          g_ptr_array_add (result->event_names, g_strndup (name, end - name));
          g_ptr_array_add (result->events, parse_object (end + strlen (" event: ")));
        }
      else
        split_response (result, line);
    }
  return result;
}

static JsonObject *
only_response (Step       *result,
               const char *name)
{
  g_assert_cmpuint (result->responses->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (result->response_names, 0), ==, name);
  return g_ptr_array_index (result->responses, 0);
}

static JsonObject *
event (Step       *result,
       const char *name)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < result->events->len; i++)
    if (g_strcmp0 (g_ptr_array_index (result->event_names, i), name) == 0)
      {
        g_assert_null (found);   /* one of each at most */
        found = g_ptr_array_index (result->events, i);
      }
  return found;
}

/* Asserts the job ids of a JSON array of summaries, in order. */
static void
assert_job_ids (JsonArray          *array,
                const char * const *ids)
{
  g_assert_nonnull (array);
  g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length ((char **) ids));
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i), "jobId"),
                     ==, ids[i]);
}

static void
assert_reply_basics (JsonObject *reply)
{
  g_assert_true (json_object_has_member (reply, "timestamp"));
  g_assert_cmpint (json_object_get_int_member (reply, "timestamp"), >, 1600000000);
  g_assert_nonnull (json_object_get_string_member_with_default (reply, "clientToken", NULL));
}

/* ---- the walkthrough ---- */

static void
test_walkthrough (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  g_autoptr(Cli) cli = cli_start (sandbox, NULL);
  JsonObject *reply, *execution, *jobs, *notify;

  /* get-pending: nothing yet. */
  {
    g_autoptr(Step) s = step_full (cli, "get-pending-job-executions", 1);

    reply = only_response (s, "GetPendingJobExecutions");
    assert_reply_basics (reply);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "inProgressJobs")), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "queuedJobs")), ==, 0);
    g_assert_cmpuint (s->events->len, ==, 0);
  }

  /* create Job1: one JobExecutionsChanged (Job1 QUEUED), one NextJobExecutionChanged (Job1). */
  {
    g_autoptr(Step) s = step_full (cli, "create-job Job1 {\"Todo\":\"Reboot\"}", 3);
    const char *ids[] = { "Job1", NULL };

    reply = only_response (s, "CreateJob");
    g_assert_cmpstr (json_object_get_string_member (reply, "jobId"), ==, "Job1");
    g_assert_true (g_str_has_suffix (json_object_get_string_member (reply, "jobArn"), ":job/Job1"));
    g_assert_cmpuint (s->events->len, ==, 2);

    notify = event (s, "JobExecutionsChanged");
    g_assert_nonnull (notify);
    jobs = json_object_get_object_member (notify, "jobs");
    assert_job_ids (json_object_get_array_member (jobs, "QUEUED"), ids);
    g_assert_false (json_object_has_member (jobs, "IN_PROGRESS"));
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                       json_object_get_array_member (jobs, "QUEUED"), 0), "versionNumber"), ==, 1);

    notify = event (s, "NextJobExecutionChanged");
    g_assert_nonnull (notify);
    execution = json_object_get_object_member (notify, "execution");
    g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "Job1");
    g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "QUEUED");
    g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (execution, "jobDocument"),
                                                    "Todo"), ==, "Reboot");
  }

  /* create Job2 (the document has spaces): JobExecutionsChanged with both, no NextJobExecutionChanged. */
  {
    g_autoptr(Step) s = step_full (cli, "create-job Job2 {\"Todo\": \"Delete Root User\"}", 2);
    const char *ids[] = { "Job1", "Job2", NULL };

    reply = only_response (s, "CreateJob");
    g_assert_cmpstr (json_object_get_string_member (reply, "jobId"), ==, "Job2");
    g_assert_cmpuint (s->events->len, ==, 1);
    notify = event (s, "JobExecutionsChanged");
    g_assert_nonnull (notify);
    jobs = json_object_get_object_member (notify, "jobs");
    assert_job_ids (json_object_get_array_member (jobs, "QUEUED"), ids);
    g_assert_null (event (s, "NextJobExecutionChanged"));
  }

  /* start-next: Job1 IN_PROGRESS, version 2, no events. */
  {
    g_autoptr(Step) s = step_full (cli, "start-next-pending-job-execution", 1);

    reply = only_response (s, "StartNextPendingJobExecution");
    assert_reply_basics (reply);
    execution = json_object_get_object_member (reply, "execution");
    g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "Job1");
    g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
    g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 2);
    g_assert_true (json_object_has_member (execution, "startedAt"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (execution, "jobDocument"),
                                                    "Todo"), ==, "Reboot");
    g_assert_cmpuint (s->events->len, ==, 0);
  }

  /* get-pending: Job1 in progress, Job2 queued. */
  {
    g_autoptr(Step) s = step_full (cli, "get-pending-job-executions", 1);
    const char *in_progress[] = { "Job1", NULL };
    const char *queued[] = { "Job2", NULL };

    reply = only_response (s, "GetPendingJobExecutions");
    assert_job_ids (json_object_get_array_member (reply, "inProgressJobs"), in_progress);
    assert_job_ids (json_object_get_array_member (reply, "queuedJobs"), queued);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                       json_object_get_array_member (reply, "inProgressJobs"), 0), "versionNumber"), ==, 2);
    g_assert_cmpuint (s->events->len, ==, 0);
  }

  /* update Job1 SUCCEEDED: NextJobExecutionChanged with Job2, JobExecutionsChanged with Job2 only. */
  {
    g_autoptr(Step) s = step_full (cli, "update-job-execution Job1 SUCCEEDED", 3);
    const char *ids[] = { "Job2", NULL };

    reply = only_response (s, "UpdateJobExecution");
    assert_reply_basics (reply);
    g_assert_false (json_object_has_member (reply, "executionState"));
    notify = event (s, "JobExecutionsChanged");
    g_assert_nonnull (notify);
    jobs = json_object_get_object_member (notify, "jobs");
    assert_job_ids (json_object_get_array_member (jobs, "QUEUED"), ids);
    g_assert_false (json_object_has_member (jobs, "IN_PROGRESS"));
    notify = event (s, "NextJobExecutionChanged");
    g_assert_nonnull (notify);
    execution = json_object_get_object_member (notify, "execution");
    g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "Job2");
    g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "QUEUED");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (execution, "jobDocument"),
                                                    "Todo"), ==, "Delete Root User");
  }

  /* start-next: Job2. */
  {
    g_autoptr(Step) s = step_full (cli, "start-next-pending-job-execution", 1);

    reply = only_response (s, "StartNextPendingJobExecution");
    execution = json_object_get_object_member (reply, "execution");
    g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "Job2");
    g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
    g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 2);
    g_assert_cmpuint (s->events->len, ==, 0);
  }

  /* update Job2 FAILED: JobExecutionsChanged with no jobs, NextJobExecutionChanged with no execution. */
  {
    g_autoptr(Step) s = step_full (cli, "update-job-execution Job2 FAILED", 3);

    reply = only_response (s, "UpdateJobExecution");
    assert_reply_basics (reply);
    notify = event (s, "JobExecutionsChanged");
    g_assert_nonnull (notify);
    g_assert_cmpuint (json_object_get_size (json_object_get_object_member (notify, "jobs")), ==, 0);
    notify = event (s, "NextJobExecutionChanged");
    g_assert_nonnull (notify);
    g_assert_false (json_object_has_member (notify, "execution"));
    g_assert_true (json_object_has_member (notify, "timestamp"));
  }

  /* delete-job Job1: an empty response still prints. */
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, 0);
  cli_send (cli, "delete-job Job1");
  g_assert_true (wait_for (cli, has_out_lines, 1, STEP_TIMEOUT_MS));
  g_assert_cmpstr (g_queue_peek_head (&cli->out_lines), ==, "DeleteJobResponse: {}");
  g_free (g_queue_pop_head (&cli->out_lines));

  cli_send (cli, "quit");
  g_assert_cmpint (cli_wait (cli), ==, 0);
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, 0);
  g_assert_cmpuint (g_queue_get_length (&cli->err_lines), ==, 0);
}

/* ---- rejections ---- */

/* Sends @command and expects its one stdout line (events aside) to start
 * with @prefix. */
static void
expect_line (Cli        *cli,
             const char *command,
             const char *prefix)
{
  g_autofree char *line = NULL;

  cli_send (cli, command);
  /* Events the command causes may come before its response. */
  do
    {
      g_clear_pointer (&line, g_free);
      g_assert_true (wait_for (cli, has_out_lines, 1, STEP_TIMEOUT_MS));
      line = g_queue_pop_head (&cli->out_lines);
    }
  while (g_str_has_prefix (line, "Received "));
  if (!g_str_has_prefix (line, prefix))
    g_error ("“%s” printed “%s”, expected it to start with “%s”", command, line, prefix);
}

/* Drops every event line that arrives within the quiet period. */
static void
drain (Cli *cli)
{
  spin (QUIET_MS);
  while (!g_queue_is_empty (&cli->out_lines))
    {
      g_autofree char *line = g_queue_pop_head (&cli->out_lines);

      g_assert_true (g_str_has_prefix (line, "Received "));
    }
}

static void
test_rejections (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  g_autoptr(Cli) cli = cli_start (sandbox, NULL);

  /* Device side, each code the service answers with. */
  expect_line (cli, "describe-job-execution NoSuchJob",
               "DescribeJobExecution rejected: ResourceNotFound: ");
  expect_line (cli, "update-job-execution NoSuchJob IN_PROGRESS",
               "UpdateJobExecution rejected: ResourceNotFound: ");
  expect_line (cli, "create-job J1 {\"x\": 1}", "CreateJobResponse: ");
  drain (cli);
  expect_line (cli, "start-next-pending-job-execution --step-timeout 30 --detail step=1/2",
               "StartNextPendingJobExecutionResponse: ");
  expect_line (cli, "update-job-execution J1 IN_PROGRESS --expected-version 7",
               "UpdateJobExecution rejected: VersionMismatch: ");
  expect_line (cli, "update-job-execution J1 IN_PROGRESS --expected-version 2 --detail step=2/2",
               "UpdateJobExecutionResponse: ");
  expect_line (cli, "describe-job-execution J1 --no-document",
               "DescribeJobExecutionResponse: ");
  expect_line (cli, "update-job-execution J1 SUCCEEDED", "UpdateJobExecutionResponse: ");
  drain (cli);
  expect_line (cli, "update-job-execution J1 IN_PROGRESS",
               "UpdateJobExecution rejected: InvalidStateTransition: ");
  expect_line (cli, "describe-job-execution J1",
               "DescribeJobExecution rejected: TerminalStateReached: ");

  /* Control plane. */
  expect_line (cli, "create-job J1 {\"x\": 2}",
               "CreateJob rejected: ResourceAlreadyExistsException: ");
  expect_line (cli, "describe-job NoSuchJob", "DescribeJob rejected: ResourceNotFoundException: ");
  expect_line (cli, "cancel-job NoSuchJob", "CancelJob rejected: ResourceNotFoundException: ");
  expect_line (cli, "delete-job NoSuchJob", "DeleteJob rejected: ResourceNotFoundException: ");
  expect_line (cli, "list-executions --job NoSuchJob",
               "ListJobExecutionsForJob rejected: ResourceNotFoundException: ");

  /* The rest of the operator's work goes through. */
  expect_line (cli, "create-job --description 'second job' --timeout-minutes 5 J2 {\"y\": [1, 2]}",
               "CreateJobResponse: {\"jobArn\":");
  drain (cli);
  expect_line (cli, "describe-job J2", "DescribeJobResponse: {\"job\":{");
  /* AWS's reply body, not an empty object. */
  expect_line (cli, "cancel-job J2 --reason-code OBSOLETE --comment 'not needed'",
               "CancelJobResponse: {\"jobArn\":\"arn:aws:iot:us-east-1:123456789012:job/J2\","
               "\"jobId\":\"J2\",\"description\":\"second job\"}");
  drain (cli);
  expect_line (cli, "list-jobs --status CANCELED", "ListJobsResponse: {\"jobs\":[{");
  expect_line (cli, "list-executions", "ListJobExecutionsForThingResponse: {\"executionSummaries\":[");
  expect_line (cli, "list-executions --job J1",
               "ListJobExecutionsForJobResponse: {\"executionSummaries\":[{\"thingArn\":");

  /* What describe-job printed. */
  cli_send (cli, "describe-job J2");
  g_assert_true (wait_for (cli, has_out_lines, 1, STEP_TIMEOUT_MS));
  {
    g_autofree char *line = g_queue_pop_head (&cli->out_lines);
    g_autoptr(JsonObject) reply = parse_object (line + strlen ("DescribeJobResponse: "));
    JsonObject *job = json_object_get_object_member (reply, "job");

    g_assert_cmpstr (json_object_get_string_member (job, "jobId"), ==, "J2");
    g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "CANCELED");
    g_assert_cmpstr (json_object_get_string_member (job, "description"), ==, "second job");
    g_assert_cmpstr (json_object_get_string_member (job, "reasonCode"), ==, "OBSOLETE");
    g_assert_cmpstr (json_object_get_string_member (job, "comment"), ==, "not needed");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (job, "timeoutConfig"),
                                                 "inProgressTimeoutInMinutes"), ==, 5);
    g_assert_cmpstr (json_object_get_string_member (reply, "document"), ==, "{\"y\": [1, 2]}");
  }

  cli_close_input (cli);
  g_assert_cmpint (cli_wait (cli), ==, 0);
  g_assert_cmpuint (g_queue_get_length (&cli->err_lines), ==, 0);
}

/* ---- usage errors in the shell ---- */

/* Sends @command and expects one stderr line containing each of @needles. */
static void
expect_usage (Cli                *cli,
              const char         *command,
              const char * const *needles)
{
  g_autofree char *line = NULL;

  cli_send (cli, command);
  g_assert_true (wait_for (cli, has_err_lines, 1, STEP_TIMEOUT_MS));
  line = g_queue_pop_head (&cli->err_lines);
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (line, needles[i]) == NULL)
      g_error ("“%s” printed “%s”, which lacks “%s”", command, line, needles[i]);
  g_assert_true (strstr (line, "help") != NULL);
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, 0);
}

static void
test_usage_errors (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  g_autoptr(Cli) cli = cli_start (sandbox, NULL);
  const char *unknown[] = { "unknown command", "frobnicate", NULL };
  const char *canceled[] = { "IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED", "CANCELED", "cancel-job", NULL };
  const char *queued[] = { "not QUEUED", "cancel-job", NULL };
  const char *missing[] = { "delete-job: expected <jobId>", NULL };
  const char *too_many[] = { "describe-job", "too many", NULL };
  const char *option[] = { "unknown option --bogus", NULL };
  const char *value[] = { "--step-timeout", "1 to 10080", NULL };
  const char *detail[] = { "--detail takes key=value", NULL };
  const char *quote[] = { "unterminated", NULL };
  const char *document[] = { "job document must be a JSON object", NULL };
  const char *no_document[] = { "create-job: expected", NULL };
  const char *status[] = { "--status", "COMPLETED", NULL };
  const char *both[] = { "--job or --thing", NULL };
  const char *bad_job[] = { "describe-job-execution", "not a valid job id", NULL };
  const char *history[] = { "!N", NULL };
  g_autofree char *help = NULL;
  guint help_lines;

  expect_usage (cli, "frobnicate now", unknown);
  expect_usage (cli, "update-job-execution Job1 CANCELED", canceled);
  expect_usage (cli, "update-job-execution Job1 QUEUED", queued);
  expect_usage (cli, "delete-job", missing);
  expect_usage (cli, "describe-job A B", too_many);
  expect_usage (cli, "list-jobs --bogus", option);
  expect_usage (cli, "start-next-pending-job-execution --step-timeout 0", value);
  expect_usage (cli, "update-job-execution Job1 IN_PROGRESS --detail nothing", detail);
  expect_usage (cli, "cancel-job 'Job1", quote);
  expect_usage (cli, "create-job Job1 {not json", document);
  expect_usage (cli, "create-job Job1", no_document);
  expect_usage (cli, "list-jobs --status DONE", status);
  expect_usage (cli, "list-executions --job A --thing B", both);
  expect_usage (cli, "describe-job-execution bad/id", bad_job);
  expect_usage (cli, "!99", history);

  /* The shell kept going: help lists every command, history and !N work. */
  cli_send (cli, "help");
  g_assert_true (wait_for (cli, has_out_lines, 14, STEP_TIMEOUT_MS));
  spin (QUIET_MS);
  help_lines = g_queue_get_length (&cli->out_lines);
  {
    g_autoptr(GString) text = g_string_new (NULL);

    while (!g_queue_is_empty (&cli->out_lines))
      {
        g_autofree char *line = g_queue_pop_head (&cli->out_lines);

        g_string_append_printf (text, "%s\n", line);
      }
    help = g_string_free (g_steal_pointer (&text), FALSE);
  }
  g_assert_cmpuint (help_lines, >, 14);
  for (const char *const *name = (const char *const[]) {
         "create-job", "delete-job", "get-pending-job-executions", "start-next-pending-job-execution",
         "describe-job-execution", "update-job-execution", "cancel-job", "describe-job ",
         "list-jobs", "list-executions", "watch", "history", "help", "quit", NULL };
       *name != NULL; name++)
    g_assert_nonnull (strstr (help, *name));

  expect_line (cli, "get-pending-job-executions", "GetPendingJobExecutionsResponse: ");
  cli_send (cli, "history");
  g_assert_true (wait_for (cli, has_out_lines, 1, STEP_TIMEOUT_MS));
  spin (QUIET_MS);
  /* Each typed line is in the history, the failing ones too. */
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, 17);
  {
    g_autofree char *last = g_queue_pop_tail (&cli->out_lines);
    g_autofree char *before = g_queue_pop_tail (&cli->out_lines);

    g_assert_true (g_str_has_suffix (last, "17  history"));
    g_assert_true (g_str_has_suffix (before, "16  get-pending-job-executions"));
    g_queue_clear_full (&cli->out_lines, g_free);
  }
  expect_line (cli, "!16", "GetPendingJobExecutionsResponse: ");
  g_assert_true (wait_for (cli, has_err_lines, 1, STEP_TIMEOUT_MS));
  {
    /* The echo of what !16 ran. */
    g_autofree char *echo = g_queue_pop_head (&cli->err_lines);

    g_assert_cmpstr (echo, ==, "get-pending-job-executions");
  }

  /* End of input ends the shell with 0. */
  cli_close_input (cli);
  g_assert_cmpint (cli_wait (cli), ==, 0);
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, 0);
}

/* ---- --json ---- */

static JsonObject *
pop_json (Cli *cli)
{
  g_autofree char *line = NULL;
  JsonObject *object;

  g_assert_true (wait_for (cli, has_out_lines, 1, STEP_TIMEOUT_MS));
  line = g_queue_pop_head (&cli->out_lines);
  object = parse_object (line);
  g_assert_true (json_object_has_member (object, "kind"));
  g_assert_true (json_object_has_member (object, "name"));
  g_assert_true (json_object_has_member (object, "payload"));
  return object;
}

static void
test_json (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  const char *args[] = { "--json", NULL };
  g_autoptr(Cli) cli = cli_start (sandbox, args);
  gboolean saw_list = FALSE, saw_next = FALSE, saw_response = FALSE;

  cli_send (cli, "get-pending-job-executions");
  {
    g_autoptr(JsonObject) line = pop_json (cli);
    JsonObject *payload = json_object_get_object_member (line, "payload");

    g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "response");
    g_assert_cmpstr (json_object_get_string_member (line, "name"), ==, "GetPendingJobExecutions");
    g_assert_true (json_object_has_member (payload, "queuedJobs"));
  }

  cli_send (cli, "create-job JobJ {\"Todo\":\"Reboot\"}");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) line = pop_json (cli);
      const char *kind = json_object_get_string_member (line, "kind");
      const char *name = json_object_get_string_member (line, "name");
      JsonObject *payload = json_object_get_object_member (line, "payload");

      if (g_str_equal (kind, "response"))
        {
          g_assert_cmpstr (name, ==, "CreateJob");
          g_assert_cmpstr (json_object_get_string_member (payload, "jobId"), ==, "JobJ");
          saw_response = TRUE;
        }
      else
        {
          g_assert_cmpstr (kind, ==, "event");
          if (g_str_equal (name, "JobExecutionsChanged"))
            {
              g_assert_true (json_object_has_member (json_object_get_object_member (payload, "jobs"), "QUEUED"));
              saw_list = TRUE;
            }
          else
            {
              g_assert_cmpstr (name, ==, "NextJobExecutionChanged");
              g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "execution"),
                                                              "jobId"), ==, "JobJ");
              saw_next = TRUE;
            }
        }
    }
  g_assert_true (saw_response && saw_list && saw_next);

  cli_send (cli, "update-job-execution JobJ IN_PROGRESS --expected-version 5");
  {
    g_autoptr(JsonObject) line = pop_json (cli);
    JsonObject *payload = json_object_get_object_member (line, "payload");

    g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (line, "name"), ==, "UpdateJobExecution");
    g_assert_cmpstr (json_object_get_string_member (payload, "code"), ==, "VersionMismatch");
    g_assert_true (json_object_has_member (payload, "message"));
    g_assert_true (json_object_has_member (payload, "executionState"));
  }

  cli_send (cli, "describe-job NoSuchJob");
  {
    g_autoptr(JsonObject) line = pop_json (cli);
    JsonObject *payload = json_object_get_object_member (line, "payload");

    g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (payload, "code"), ==, "ResourceNotFoundException");
  }

  /* Usage errors are JSON lines on stdout too. */
  cli_send (cli, "nonsense");
  {
    g_autoptr(JsonObject) line = pop_json (cli);

    g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "usage-error");
    g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (line, "payload"),
                                                             "message"), "nonsense"));
  }

  cli_send (cli, "help");
  {
    g_autoptr(JsonObject) line = pop_json (cli);

    g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "text");
    g_assert_nonnull (strstr (json_object_get_string_member (line, "payload"), "update-job-execution"));
  }

  cli_send (cli, "delete-job JobJ --force");
  {
    g_autoptr(JsonObject) line = NULL;

    /* Force-deleting a pending job also changes the thing's queue. */
    do
      {
        g_clear_pointer (&line, json_object_unref);
        line = pop_json (cli);
      }
    while (g_str_equal (json_object_get_string_member (line, "kind"), "event"));
    g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "response");
    g_assert_cmpstr (json_object_get_string_member (line, "name"), ==, "DeleteJob");
    g_assert_cmpuint (json_object_get_size (json_object_get_object_member (line, "payload")), ==, 0);
  }

  cli_send (cli, "quit");
  g_assert_cmpint (cli_wait (cli), ==, 0);
  g_assert_cmpuint (g_queue_get_length (&cli->err_lines), ==, 0);
}

/* ---- one-shot mode ---- */

static void
test_one_shot (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  g_autoptr(GError) error = NULL;
  Cli *cli = NULL;
  Cli *watcher;
  g_autofree char *info = NULL;
  g_autofree char *info_path = g_build_filename (jd_test_sandbox_get_dir (sandbox), "sandbox.json", NULL);

  /* 0: success; the response is the only output. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "get-pending-job-executions", NULL }, &cli), ==, 0);
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "GetPendingJobExecutionsResponse: {"));
  g_clear_pointer (&cli, cli_free);

  /* watch prints the events of a job created meanwhile, and SIGTERM ends it with 0. */
  watcher = cli_start (sandbox, (const char *[]) { "watch", NULL });
  /* It says so once it is connected and subscribed. */
  g_assert_true (wait_for (watcher, has_err_lines, 1, STEP_TIMEOUT_MS));
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&watcher->err_lines), "Watching the jobs of MyThing"));
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "OneShot1", "{\"a\":", "1}", NULL }, &cli), ==, 0);
  g_assert_cmpstr (g_queue_peek_head (&cli->out_lines), ==,
                   "CreateJobResponse: {\"jobArn\":\"arn:aws:iot:us-east-1:123456789012:job/OneShot1\",\"jobId\":\"OneShot1\"}");
  g_clear_pointer (&cli, cli_free);
  g_assert_true (wait_for (watcher, has_out_lines, 2, STEP_TIMEOUT_MS));
  g_assert_true (g_str_has_prefix (g_queue_peek_nth (&watcher->out_lines, 0), "Received JobExecutionsChanged event: "));
  g_assert_true (g_str_has_prefix (g_queue_peek_nth (&watcher->out_lines, 1), "Received NextJobExecutionChanged event: "));
  g_subprocess_send_signal (watcher->process, SIGTERM);
  g_assert_cmpint (cli_wait (watcher), ==, 0);
  cli_free (watcher);

  /* 1: rejected. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "describe-job-execution", "Nope", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines),
                                   "DescribeJobExecution rejected: ResourceNotFound: "));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "OneShot1", "{}", NULL }, NULL), ==, 1);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--json", "describe-job", "Nope", NULL }, &cli), ==, 1);
  {
    g_autoptr(JsonObject) line = parse_object (g_queue_peek_head (&cli->out_lines));

    g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "rejected");
  }
  g_clear_pointer (&cli, cli_free);

  /* 1: nothing to connect to. */
  g_assert_cmpint (run_one_shot (NULL, (const char *[]) { "--sandbox", "/nonexistent-jobdeck-dir", "list-jobs", NULL }, &cli), ==, 1);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "sandbox.json"));
  g_clear_pointer (&cli, cli_free);

  /* 2: usage errors, found before connecting. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "frobnicate", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-job-execution", "OneShot1", "CANCELED", NULL }, &cli), ==, 2);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "cancel-job"));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "delete-job", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "delete-job", "X", "--nope", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--no-such-option", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--profile", "p", "list-jobs", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "quit", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "help", NULL }, &cli), ==, 0);
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), >, 14);
  g_clear_pointer (&cli, cli_free);

  /* A thing that does not exist yet is created (DescribeThing, CreateThing)
   * and gets its certificate, so the device side works at once. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--thing", "NewThing", "get-pending-job-executions", NULL }, &cli), ==, 0);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "GetPendingJobExecutionsResponse: {"));
  g_clear_pointer (&cli, cli_free);
  g_file_get_contents (info_path, &info, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (info, "\"NewThing\""));
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--thing", "NewThing", "list-executions", NULL }, &cli), ==, 0);
  g_assert_cmpstr (g_queue_peek_head (&cli->out_lines), ==,
                   "ListJobExecutionsForThingResponse: {\"executionSummaries\":[]}");
  g_clear_pointer (&cli, cli_free);
}

/* ---- a Jobdeck profile (GSettings) instead of --sandbox ---- */

static void
test_profile (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  JdSandbox *sb = jd_test_sandbox_get_sandbox (sandbox);
  g_autoptr(GError) error = NULL;
  g_autofree char *config_home = g_dir_make_tmp ("jobdeck-cli-config-XXXXXX", &error);
  g_autofree char *settings_dir = NULL;
  g_autofree char *keyfile_path = NULL;
  g_autofree char *keyfile = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *endpoint = jd_sandbox_dup_endpoint (sb);
  g_autofree char *port = g_strdup_printf ("%u", jd_sandbox_get_mqtt_port (sb));
  const char *env[] = {
    "GSETTINGS_BACKEND", "keyfile",
    "XDG_CONFIG_HOME", NULL,
    "AWS_ACCESS_KEY_ID", jd_sandbox_get_access_key_id (sb),
    "AWS_SECRET_ACCESS_KEY", jd_sandbox_get_secret_access_key (sb),
    NULL
  };
  Cli *cli = NULL;

  g_assert_no_error (error);
  env[3] = config_home;
  g_assert_true (jd_sandbox_get_thing_files (sb, "MyThing", &cert_path, &key_path));

  /* No profile at all: a failure that says what to do. */
  g_assert_cmpint (run_one_shot_with_env (NULL, (const char *[]) { "list-jobs", NULL }, env, &cli), ==, 1);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "--sandbox"));
  g_clear_pointer (&cli, cli_free);

  /* An AWS-kind profile that points at the sandbox's endpoints. */
  settings_dir = g_build_filename (config_home, "glib-2.0", "settings", NULL);
  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  keyfile_path = g_build_filename (settings_dir, "keyfile", NULL);
  keyfile = g_strdup_printf ("[io/github/jobdeck/Jobdeck]\n"
                             "profiles=['p1', 'p2']\n"
                             "active-profile='p1'\n"
                             "\n"
                             "[io/github/jobdeck/Jobdeck/profiles/p1]\n"
                             "kind='aws'\n"
                             "name='Bench'\n"
                             "endpoint='127.0.0.1'\n"
                             "port=%s\n"
                             "region='us-east-1'\n"
                             "thing-name='MyThing'\n"
                             "certificate-path='%s'\n"
                             "key-path='%s'\n"
                             "ca-path='%s'\n"
                             "control-plane-endpoint='%s'\n"
                             "control-plane-ca-path='%s'\n"
                             "credentials-source='environment'\n"
                             "\n"
                             "[io/github/jobdeck/Jobdeck/profiles/p2]\n"
                             "kind='sandbox'\n"
                             "name='Laptop'\n",
                             port, cert_path, key_path, jd_sandbox_get_ca_path (sb),
                             endpoint, jd_sandbox_get_ca_path (sb));
  g_file_set_contents (keyfile_path, keyfile, -1, &error);
  g_assert_no_error (error);

  /* The active profile, by default. */
  g_assert_cmpint (run_one_shot_with_env (NULL, (const char *[]) { "create-job", "ProfileJob", "{\"p\":1}", NULL },
                                          env, &cli), ==, 0);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "CreateJobResponse: "));
  g_clear_pointer (&cli, cli_free);

  /* By name, device side included. */
  g_assert_cmpint (run_one_shot_with_env (NULL, (const char *[]) { "--profile", "Bench", "describe-job-execution", "$next", NULL },
                                          env, &cli), ==, 0);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "DescribeJobExecutionResponse: "));
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->out_lines), "\"jobId\":\"ProfileJob\""));
  g_clear_pointer (&cli, cli_free);

  /* An unknown name, and the app's embedded sandbox, are refused clearly. */
  g_assert_cmpint (run_one_shot_with_env (NULL, (const char *[]) { "--profile", "Nope", "list-jobs", NULL },
                                          env, &cli), ==, 1);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "no profile named"));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot_with_env (NULL, (const char *[]) { "--profile", "Laptop", "list-jobs", NULL },
                                          env, &cli), ==, 1);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "jobdeck-service"));
  g_clear_pointer (&cli, cli_free);

  g_assert_cmpint (g_remove (keyfile_path), ==, 0);
  g_assert_cmpint (g_rmdir (settings_dir), ==, 0);
  {
    g_autofree char *glib_dir = g_path_get_dirname (settings_dir);

    g_assert_cmpint (g_rmdir (glib_dir), ==, 0);
  }
  g_assert_cmpint (g_rmdir (config_home), ==, 0);
}

/* ---- no profile, no sandbox.json: the options AWS's samples take ---- */

/* Runs a one-shot jobdeck-cli with --endpoint … and @extra before the
 * command @args; @env as for run_one_shot_with_env. */
static int
run_explicit (JdTestSandbox      *sandbox,
              const char         *cert_path,
              const char         *key_path,
              const char * const *extra,
              const char * const *args,
              const char * const *env,
              Cli               **cli_out)
{
  JdSandbox *sb = jd_test_sandbox_get_sandbox (sandbox);
  g_autofree char *port = g_strdup_printf ("%u", jd_sandbox_get_mqtt_port (sb));
  g_autofree char *endpoint = jd_sandbox_dup_endpoint (sb);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *options[] = {
    "--endpoint", JD_SANDBOX_HOST, "--port", port, "--cert", cert_path, "--key", key_path,
    "--ca", jd_sandbox_get_ca_path (sb), "--thing", "MyThing",
    "--control-plane-endpoint", endpoint, NULL
  };

  for (guint i = 0; options[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) options[i]);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return run_one_shot_with_env (NULL, (const char *const *) argv->pdata, env, cli_out);
}

static gboolean
has_line_with_prefix (GQueue     *lines,
                      const char *prefix)
{
  for (GList *l = lines->head; l != NULL; l = l->next)
    if (g_str_has_prefix (l->data, prefix))
      return TRUE;
  return FALSE;
}

static void
assert_one_error_line (Cli        *cli,
                       const char *words)
{
  g_assert_cmpuint (g_queue_get_length (&cli->err_lines), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->err_lines), "jobdeck-cli: "));
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), words));
  g_assert_cmpuint (g_queue_get_length (&cli->out_lines), ==, 0);
}

static void
test_explicit_options (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) sandbox = jd_test_sandbox_new ((const char *[]) { "MyThing", "Other", NULL }, &error);
  JdSandbox *sb;
  g_autofree char *home = g_dir_make_tmp ("jobdeck-cli-home-XXXXXX", NULL);
  g_autofree char *aws_dir = g_build_filename (home, ".aws", NULL);
  g_autofree char *credentials_path = g_build_filename (aws_dir, "credentials", NULL);
  g_autofree char *config_path = g_build_filename (aws_dir, "config", NULL);
  g_autofree char *credentials_text = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *other_cert = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *missing = NULL;
  const char *env[] = {
    "HOME", home,
    "AWS_ACCESS_KEY_ID", NULL,
    "AWS_SECRET_ACCESS_KEY", NULL,
    "AWS_SESSION_TOKEN", NULL,
    "AWS_REGION", "us-east-1",
    "AWS_DEFAULT_REGION", NULL,
    "AWS_PROFILE", NULL,
    "AWS_SHARED_CREDENTIALS_FILE", NULL,
    "AWS_CONFIG_FILE", NULL,
    NULL
  };
  Cli *cli = NULL;

  g_assert_no_error (error);
  sb = jd_test_sandbox_get_sandbox (sandbox);
  g_assert_true (jd_sandbox_get_thing_files (sb, "MyThing", &cert_path, &key_path));
  g_assert_true (jd_sandbox_get_thing_files (sb, "Other", &other_cert, &other_key));
  missing = g_build_filename (home, "nope.pem", NULL);

  /* Credentials from the environment: the JobsSandbox walkthrough, one
   * command at a time, with nothing but these options. */
  env[3] = jd_sandbox_get_access_key_id (sb);
  env[5] = jd_sandbox_get_secret_access_key (sb);
  g_assert_cmpint (run_explicit (sandbox, cert_path, key_path, (const char *[]) { "--region", "us-east-1", NULL },
                                 (const char *[]) { "create-job", "Explicit1", "{\"op\":\"reboot\"}", NULL },
                                 env, &cli), ==, 0);
  g_assert_cmpstr (g_queue_peek_head (&cli->out_lines), ==,
                   "CreateJobResponse: {\"jobArn\":\"arn:aws:iot:us-east-1:123456789012:job/Explicit1\",\"jobId\":\"Explicit1\"}");
  g_assert_cmpuint (g_queue_get_length (&cli->err_lines), ==, 0);
  g_clear_pointer (&cli, cli_free);

  /* The region from AWS_REGION. */
  g_assert_cmpint (run_explicit (sandbox, cert_path, key_path, NULL,
                                 (const char *[]) { "start-next-pending-job-execution", NULL }, env, &cli), ==, 0);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "StartNextPendingJobExecutionResponse: "));
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->out_lines), "\"status\":\"IN_PROGRESS\""));
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->out_lines), "\"jobId\":\"Explicit1\""));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_explicit (sandbox, cert_path, key_path, NULL,
                                 (const char *[]) { "update-job-execution", "Explicit1", "SUCCEEDED", NULL }, env, &cli), ==, 0);
  /* Events the update causes may print before the response. */
  g_assert_true (has_line_with_prefix (&cli->out_lines, "UpdateJobExecutionResponse: "));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_explicit (sandbox, cert_path, key_path, NULL,
                                 (const char *[]) { "describe-job", "Explicit1", NULL }, env, &cli), ==, 0);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->out_lines), "\"status\":\"COMPLETED\""));
  g_clear_pointer (&cli, cli_free);

  /* A missing file, a key that is not the certificate's: one line, exit 2. */
  g_assert_cmpint (run_explicit (sandbox, missing, key_path, NULL,
                                 (const char *[]) { "list-jobs", NULL }, env, &cli), ==, 2);
  assert_one_error_line (cli, "nope.pem");
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_explicit (sandbox, cert_path, other_key, NULL,
                                 (const char *[]) { "list-jobs", NULL }, env, &cli), ==, 2);
  assert_one_error_line (cli, "");
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_explicit (sandbox, cert_path, key_path, (const char *[]) { "--ca", missing, NULL },
                                 (const char *[]) { "list-jobs", NULL }, env, &cli), ==, 2);
  assert_one_error_line (cli, "nope.pem");
  g_clear_pointer (&cli, cli_free);

  /* Plain HTTP only to this machine. */
  g_assert_cmpint (run_explicit (sandbox, cert_path, key_path,
                                 (const char *[]) { "--control-plane-endpoint", "http://iot.example.com", NULL },
                                 (const char *[]) { "list-jobs", NULL }, env, &cli), ==, 2);
  assert_one_error_line (cli, "http://iot.example.com");
  g_clear_pointer (&cli, cli_free);
  {
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", jd_sandbox_get_https_port (sb));

    run_explicit (sandbox, cert_path, key_path, (const char *[]) { "--control-plane-endpoint", url, NULL },
                  (const char *[]) { "list-jobs", NULL }, env, &cli);
    g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->err_lines), "jobdeck-cli: warning: "));
    g_clear_pointer (&cli, cli_free);
  }

  /* No credentials anywhere: one line, exit 2. */
  env[3] = NULL;
  env[5] = NULL;
  g_assert_cmpint (run_explicit (sandbox, cert_path, key_path, NULL,
                                 (const char *[]) { "list-jobs", NULL }, env, &cli), ==, 2);
  assert_one_error_line (cli, "");
  g_clear_pointer (&cli, cli_free);

  /* AWS_PROFILE with ~/.aws/credentials and ~/.aws/config (its region). */
  g_assert_cmpint (g_mkdir_with_parents (aws_dir, 0700), ==, 0);
  credentials_text = g_strdup_printf ("[default]\naws_access_key_id = AKIAWRONGWRONGWRONG1\n"
                                      "aws_secret_access_key = wrong\n\n"
                                      "[sandbox]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
                                      jd_sandbox_get_access_key_id (sb), jd_sandbox_get_secret_access_key (sb));
  g_file_set_contents (credentials_path, credentials_text, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (config_path, "[profile sandbox]\nregion = us-east-1\n", -1, &error);
  g_assert_no_error (error);
  env[9] = NULL;        /* no AWS_REGION */
  env[13] = "sandbox";  /* AWS_PROFILE */
  g_assert_cmpint (run_explicit (sandbox, cert_path, key_path, NULL,
                                 (const char *[]) { "describe-job", "Explicit1", NULL }, env, &cli), ==, 0);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "DescribeJobResponse: "));
  g_clear_pointer (&cli, cli_free);

  /* Options that need --endpoint, or clash with another way to connect. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--cert", cert_path, "list-jobs", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--endpoint", "h", "--cert", cert_path, "--key",
                                                             key_path, "--thing", "MyThing", "list-jobs", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (NULL, (const char *[]) { "--endpoint", "h", "--thing", "MyThing", "list-jobs", NULL }, NULL), ==, 2);

  g_remove (credentials_path);
  g_remove (config_path);
  g_rmdir (aws_dir);
  g_rmdir (home);
}

/* The response line "<Name>Response: {…}" of a one-shot run, parsed. */
static JsonObject *
one_shot_response (Cli        *cli,
                   const char *name)
{
  g_autofree char *prefix = g_strconcat (name, "Response: ", NULL);
  const char *line = g_queue_peek_head (&cli->out_lines);

  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  return parse_object (line + strlen (prefix));
}

static gboolean
notified_about (JdTestDevice *device,
                const char   *suffix,
                const char   *job_id)
{
  g_autoptr(JsonNode) payload = jd_test_device_expect_reply (device, suffix, STEP_TIMEOUT_MS);
  g_autofree char *text = payload != NULL ? json_to_string (payload, FALSE) : NULL;

  return text != NULL && strstr (text, job_id) != NULL;
}

/* --device-api https: the four device commands over the jobs data plane
 * (iot-jobs-data, SigV4) at DescribeEndpoint iot:Jobs, which is the
 * sandbox.json's jobsData endpoint; what they change reaches the thing's
 * MQTT subscribers as AWS's notifications; MQTT-only commands say so. */
static void
test_https_device_api (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) device = jd_test_device_new (sandbox, "MyThing", &error);
  g_autoptr(JdSandboxInfo) info = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *execution;
  Cli *cli = NULL;

  g_assert_no_error (error);
  info = jd_sandbox_info_load (jd_test_sandbox_get_dir (sandbox), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (info->jobs_data_endpoint, "https://127.0.0.1:"));

  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "Https1", "{\"step\":1}", NULL }, NULL), ==, 0);
  g_assert_true (notified_about (device, "notify-next", "Https1"));
  jd_test_device_flush (device);

  /* GetPendingJobExecutions, endpoint from DescribeEndpoint. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "get-pending-job-executions", NULL },
                                 &cli), ==, 0);
  g_assert_cmpuint (g_queue_get_length (&cli->err_lines), ==, 0);
  reply = one_shot_response (cli, "GetPendingJobExecutions");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "queuedJobs")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (reply, "queuedJobs"), 0),
                                                  "jobId"), ==, "Https1");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);

  /* StartNextPendingJobExecution with details, the endpoint given. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "--jobs-endpoint", info->jobs_data_endpoint,
                                                             "start-next-pending-job-execution", "--detail", "phase=download", NULL },
                                 &cli), ==, 0);
  reply = one_shot_response (cli, "StartNextPendingJobExecution");
  execution = json_object_get_object_member (reply, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, "Https1");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (execution, "statusDetails"), "phase"),
                   ==, "download");
  g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 2);
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  /* Over MQTT the thing sees the same execution in progress. */
  jd_test_device_flush (device);
  g_assert_true (jd_test_device_request (device, "get", "{\"clientToken\":\"t1\"}"));
  {
    g_autoptr(JsonNode) payload = jd_test_device_expect_reply (device, "get/accepted", STEP_TIMEOUT_MS);
    JsonArray *in_progress;

    g_assert_nonnull (payload);
    in_progress = json_object_get_array_member (json_node_get_object (payload), "inProgressJobs");
    g_assert_cmpuint (json_array_get_length (in_progress), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (in_progress, 0), "jobId"),
                     ==, "Https1");
  }

  /* DescribeJobExecution. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "describe-job-execution", "Https1", NULL },
                                 &cli), ==, 0);
  reply = one_shot_response (cli, "DescribeJobExecution");
  execution = json_object_get_object_member (reply, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
  g_assert_cmpstr (json_object_get_string_member (execution, "jobDocument"), ==, "{\"step\":1}");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);

  /* A stale version is AWS's rejection, exit 1; the right one succeeds. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "update-job-execution", "Https1", "SUCCEEDED",
                                                             "--expected-version", "1", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines),
                                   "UpdateJobExecution rejected: InvalidStateTransitionException: "));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "update-job-execution", "Https1", "SUCCEEDED",
                                                             "--expected-version", "2", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "UpdateJobExecution");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  /* Its execution left the pending list: notify says so. */
  {
    g_autoptr(JsonNode) payload = jd_test_device_expect_reply (device, "notify", STEP_TIMEOUT_MS);
    g_autofree char *text = payload != NULL ? json_to_string (payload, FALSE) : NULL;

    g_assert_nonnull (text);
    g_assert_null (strstr (text, "Https1"));
  }
  jd_test_device_flush (device);

  /* The pending list is empty now, over HTTPS as over MQTT. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "get-pending-job-executions", NULL },
                                 &cli), ==, 0);
  reply = one_shot_response (cli, "GetPendingJobExecutions");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "queuedJobs")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "inProgressJobs")), ==, 0);
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);

  /* Unknown execution: AWS's exception, exit 1. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "describe-job-execution", "Nope", NULL },
                                 &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines),
                                   "DescribeJobExecution rejected: ResourceNotFoundException: "));
  g_clear_pointer (&cli, cli_free);

  /* Usage errors: only MQTT carries notifications; a bad transport or URL. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "watch", NULL }, &cli), ==, 2);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "--device-api mqtt"));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "carrier-pigeon", "watch", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--jobs-endpoint", "https://127.0.0.1:1", "watch", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "--jobs-endpoint", "ftp://x",
                                                             "get-pending-job-executions", NULL }, NULL), ==, 2);
  /* Nothing listening there: a failure in words, exit 1. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "--device-api", "https", "--jobs-endpoint", "https://127.0.0.1:1",
                                                             "get-pending-job-executions", NULL }, &cli), ==, 1);
  g_assert_cmpuint (g_queue_get_length (&cli->err_lines) + g_queue_get_length (&cli->out_lines), >, 0);
  g_clear_pointer (&cli, cli_free);
}

/* Thing groups from the command line: create a hierarchy, membership, a
 * continuous job that follows it, AssociateTargetsWithJob, and AWS's
 * refusals in words. */
static void
test_thing_groups (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) device = jd_test_device_new (sandbox, "MyThing", &error);
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *array;
  Cli *cli = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-thing-group", "Fleet", "--description", "every device", NULL },
                                 &cli), ==, 0);
  reply = one_shot_response (cli, "CreateThingGroup");
  g_assert_cmpstr (json_object_get_string_member (reply, "thingGroupArn"), ==,
                   "arn:aws:iot:us-east-1:123456789012:thinggroup/Fleet");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-thing-group", "EU", "--parent", "Fleet", NULL }, NULL), ==, 0);

  /* A continuous job for the root group: nobody is in it yet. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--group", "Fleet", "--continuous", "Follow1", "{\"a\":1}", NULL },
                                 NULL), ==, 0);
  g_assert_cmpuint (jd_test_device_count (device, "$aws/things/MyThing/jobs/notify-next", 300), ==, 0);

  /* The thing joins the child group: it gets the job, and is listed. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "add-thing-to-thing-group", "EU", "MyThing", NULL }, NULL), ==, 0);
  g_assert_true (notified_about (device, "notify-next", "Follow1"));
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "list-things-in-thing-group", "Fleet", "--recursive", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "ListThingsInThingGroup");
  array = json_object_get_array_member (reply, "things");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "MyThing");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "list-thing-groups-for-thing", "MyThing", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "ListThingGroupsForThing");
  array = json_object_get_array_member (reply, "thingGroups");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "groupName"), ==, "EU");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);

  /* It leaves: its queued execution is removed; notify-next says so. */
  jd_test_device_flush (device);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "remove-thing-from-thing-group", "EU", "MyThing", NULL }, NULL), ==, 0);
  {
    g_autoptr(JsonNode) payload = jd_test_device_expect_reply (device, "notify-next", STEP_TIMEOUT_MS);

    g_assert_nonnull (payload);
    g_assert_false (json_object_has_member (json_node_get_object (payload), "execution"));
  }

  /* AssociateTargetsWithJob: a continuous job takes more; a snapshot job is refused. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "associate-targets-with-job", "Follow1", "--group", "EU", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "AssociateTargetsWithJob");
  g_assert_cmpstr (json_object_get_string_member (reply, "jobId"), ==, "Follow1");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "Once1", "{\"a\":1}", NULL }, NULL), ==, 0);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "associate-targets-with-job", "Once1", "--group", "EU", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "AssociateTargetsWithJob rejected: InvalidRequestException: "));
  g_clear_pointer (&cli, cli_free);

  /* A group with a child cannot go; an unknown one is not found; no target is a usage error. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "delete-thing-group", "Fleet", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "DeleteThingGroup rejected: InvalidRequestException: "));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "describe-thing-group", "Nope", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "DescribeThingGroup rejected: ResourceNotFoundException: "));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "associate-targets-with-job", "Follow1", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "delete-thing-group", "EU", NULL }, NULL), ==, 0);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "delete-thing-group", "Fleet", NULL }, NULL), ==, 0);

  /* A fleet job's settings as AWS spells them; out-of-range ones are a
   * usage error before anything is sent. */
  jd_test_device_flush (device);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--config",
                                                             "{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":5},"
                                                             "\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"numberOfRetries\":2}]}}",
                                                             "Configured1", "{\"a\":1}", NULL }, NULL), ==, 0);
  g_assert_true (notified_about (device, "notify", "Configured1"));
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--config",
                                                             "{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":0}}",
                                                             "Configured2", "{\"a\":1}", NULL }, &cli), ==, 2);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "maximumPerMinute"));
  g_clear_pointer (&cli, cli_free);
}

/* Job templates, managed templates and event configurations from the
 * command line: a custom template and a job from it, a job from
 * AWS-Run-Command whose --param reaches the device's document, the event
 * configuration switched, and the refusals. */
static void
test_templates (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) device = jd_test_device_new (sandbox, "MyThing", &error);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonNode) started = NULL;
  JsonObject *action;
  Cli *cli = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job-template", "Fw", "--description", "firmware",
                                                             "--document", "{\"fw\":3}", "--config",
                                                             "{\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":9}}", NULL },
                                 &cli), ==, 0);
  reply = one_shot_response (cli, "CreateJobTemplate");
  g_assert_cmpstr (json_object_get_string_member (reply, "jobTemplateArn"), ==,
                   "arn:aws:iot:us-east-1:123456789012:jobtemplate/Fw");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "describe-job-template", "Fw", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "DescribeJobTemplate");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (reply, "timeoutConfig"),
                                               "inProgressTimeoutInMinutes"), ==, 9);
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "list-job-templates", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "ListJobTemplates");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "jobTemplates")), ==, 1);
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);

  /* A job from the custom template (by id) reaches the device. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--template", "Fw", "FromFw", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "CreateJob");
  g_assert_cmpstr (json_object_get_string_member (reply, "description"), ==, "firmware");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_true (notified_about (device, "notify-next", "FromFw"));

  /* Managed templates: listed, described, and a job from AWS-Run-Command. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "list-managed-job-templates", "--name", "AWS-Reboot", NULL },
                                 &cli), ==, 0);
  reply = one_shot_response (cli, "ListManagedJobTemplates");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (reply, "managedJobTemplates"), 0), "templateArn"), ==,
                   "arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "describe-managed-job-template", "AWS-Run-Command", NULL },
                                 &cli), ==, 0);
  reply = one_shot_response (cli, "DescribeManagedJobTemplate");
  g_assert_nonnull (strstr (json_object_get_string_member (reply, "document"), "${aws:iot:parameter:command}"));
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "delete-job-template", "Fw", NULL }, NULL), ==, 0);
  /* The device works off FromFw first, then gets the command. */
  g_assert_true (jd_test_device_request (device, "FromFw/update", "{\"status\":\"SUCCEEDED\"}"));
  {
    g_autoptr(JsonNode) done = jd_test_device_expect_reply (device, "FromFw/update/accepted", STEP_TIMEOUT_MS);

    g_autoptr(JsonNode) nothing_next = NULL;

    g_assert_nonnull (done);
    /* notify-next: nothing pending any more. */
    nothing_next = jd_test_device_expect_reply (device, "notify-next", STEP_TIMEOUT_MS);
    g_assert_nonnull (nothing_next);
  }
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--template", "AWS-Run-Command",
                                                             "--param", "command=uptime", "Cmd1", NULL }, NULL), ==, 0);
  g_assert_true (notified_about (device, "notify-next", "Cmd1"));
  g_assert_true (jd_test_device_request (device, "start-next", "{}"));
  started = jd_test_device_expect_reply (device, "start-next/accepted", STEP_TIMEOUT_MS);
  g_assert_nonnull (started);
  action = json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (
             json_object_get_object_member (json_object_get_object_member (json_node_get_object (started), "execution"),
                                            "jobDocument"), "steps"), 0), "action");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (action, "input"), "command"), ==,
                   "uptime");

  /* Refusals: a missing parameter (AWS's), a document beside --template, a
   * --param without --template, a bad NAME=VALUE (usage, exit 2). */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--template", "AWS-Run-Command", "Cmd2", NULL },
                                 &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "CreateJob rejected: InvalidRequestException: "));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--template", "AWS-Reboot", "Cmd3", "{}", NULL },
                                 NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--param", "a=b", "Cmd4", "{}", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--template", "AWS-Reboot", "--param", "novalue",
                                                             "Cmd5", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "describe-job-template", "Fw", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "DescribeJobTemplate rejected: ResourceNotFoundException: "));
  g_clear_pointer (&cli, cli_free);

  /* Event configurations. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-event-configurations", "JOB=true", "JOB_EXECUTION=false",
                                                             NULL }, NULL), ==, 0);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "describe-event-configurations", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "DescribeEventConfigurations");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (
                   json_object_get_object_member (reply, "eventConfigurations"), "JOB"), "Enabled"));
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (
                    json_object_get_object_member (reply, "eventConfigurations"), "JOB_EXECUTION"), "Enabled"));
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-event-configurations", "JOB=maybe", NULL }, NULL), ==, 2);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-event-configurations", "JOBS=true", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines),
                                   "UpdateEventConfigurations rejected: InvalidRequestException: "));
  g_clear_pointer (&cli, cli_free);
}

/* update-job: a new description and settings are taken; an unknown job
 * is rejected in AWS's words; settings UpdateJob refuses, and nothing to
 * change, are usage errors before anything is sent. */
static void
test_update_job (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ();
  g_autoptr(JsonObject) reply = NULL;
  Cli *cli = NULL;

  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "create-job", "--description", "before", "Upd1", "{\"a\":1}", NULL },
                                 NULL), ==, 0);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-job", "Upd1", "--description", "after", "--config",
                                                             "{\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":20},"
                                                             "\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":7}}",
                                                             NULL }, NULL), ==, 0);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "describe-job", "Upd1", NULL }, &cli), ==, 0);
  reply = one_shot_response (cli, "DescribeJob");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "job"), "description"), ==, "after");
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&cli, cli_free);

  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-job", "Nope1", "--description", "x", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "UpdateJob rejected: ResourceNotFoundException: "));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-job", "Upd1", "--config",
                                                             "{\"jobExecutionsRetryConfig\":{\"criteriaList\":"
                                                             "[{\"failureType\":\"FAILED\",\"numberOfRetries\":3}]}}",
                                                             NULL }, &cli), ==, 2);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "numberOfRetries"));
  g_clear_pointer (&cli, cli_free);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-job", "Upd1", NULL }, &cli), ==, 2);
  g_assert_nonnull (strstr (g_queue_peek_head (&cli->err_lines), "nothing to change"));
  g_clear_pointer (&cli, cli_free);

  /* A canceled job takes no more changes. */
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "cancel-job", "Upd1", NULL }, NULL), ==, 0);
  g_assert_cmpint (run_one_shot (sandbox, (const char *[]) { "update-job", "Upd1", "--description", "late", NULL }, &cli), ==, 1);
  g_assert_true (g_str_has_prefix (g_queue_peek_head (&cli->out_lines), "UpdateJob rejected: InvalidRequestException: "));
  g_clear_pointer (&cli, cli_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/walkthrough", test_walkthrough);
  g_test_add_func ("/cli/rejections", test_rejections);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/json", test_json);
  g_test_add_func ("/cli/one-shot", test_one_shot);
  g_test_add_func ("/cli/https-device-api", test_https_device_api);
  g_test_add_func ("/cli/thing-groups", test_thing_groups);
  g_test_add_func ("/cli/templates", test_templates);
  g_test_add_func ("/cli/update-job", test_update_job);
  g_test_add_func ("/cli/profile", test_profile);
  g_test_add_func ("/cli/explicit-options", test_explicit_options);

  return g_test_run ();
}
