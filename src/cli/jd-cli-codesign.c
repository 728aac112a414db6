/* jd-cli-codesign.c — sign-file, verify-job-document and put-file for
 * jobdeck-cli, on the core's jd-codesign (signing, download, verification)
 * and the sandbox file store's upload (jd-file-upload).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <string.h>

#include <libsoup/soup.h>

#include "jd-cli.h"
#include "jd-cli-codesign.h"
#include "jd-codesign.h"
#include "jd-file-upload.h"

/* A passphrase never goes on a command line, where `ps` shows it. */
#define PASSPHRASE_ENV "JOBDECK_KEY_PASSPHRASE"

const JdCliOption jd_cli_sign_file_options[] = {
  { "key", "KEY", FALSE },
  { "cert", "CERT", FALSE },
  { "shape", "SHAPE", FALSE },
  { "url", "URL", FALSE },
  { "certfile", "NAME", FALSE },
  { NULL }
};

const JdCliOption jd_cli_verify_options[] = {
  { "cert", "CERT", FALSE },
  { NULL }
};

const JdCliOption jd_cli_put_file_options[] = {
  { "key", "KEY", FALSE },
  { NULL }
};

int
jd_cli_codesign_finish (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), JD_CLI_EXIT_FAILED);
  return (int) g_task_propagate_int (G_TASK (result), NULL);
}

/* ---- sign-file ---- */

typedef struct {
  char *file;
  char *key;
  char *cert;
  char *url;
  char *certfile;
  JdCodesignShape shape;
} SignArgs;

static void
sign_args_free (SignArgs *args)
{
  g_free (args->file);
  g_free (args->key);
  g_free (args->cert);
  g_free (args->url);
  g_free (args->certfile);
  g_free (args);
}

static void
sign_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SignArgs *args = task_data;
  GError *error = NULL;
  JsonNode *fragment;

  fragment = jd_codesign_sign_file (args->file, args->key, g_getenv (PASSPHRASE_ENV), args->cert,
                                    args->shape, args->url, args->certfile, &error);
  if (fragment == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, fragment, (GDestroyNotify) json_node_unref);
}

typedef struct {
  JdCliOutput *output;
  GTask *task;
} Outer;

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outer *outer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fragment = g_task_propagate_pointer (G_TASK (result), &error);

  if (fragment == NULL)
    {
      jd_cli_output_failed (outer->output, "SignFile", error->message);
      g_task_return_int (outer->task, JD_CLI_EXIT_FAILED);
    }
  else
    {
      g_autofree char *text = json_to_string (fragment, TRUE);

      jd_cli_output_text (outer->output, "SignFile", text);
      g_task_return_int (outer->task, JD_CLI_EXIT_OK);
    }
  g_object_unref (outer->task);
  g_free (outer);
}

void
jd_cli_codesign_sign_file_async (JdCliOutput         *output,
                                 JdCliParsed         *parsed,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GTask) work = NULL;
  const char *shape = jd_cli_parsed_get (parsed, "shape");
  SignArgs *args;
  Outer *outer;

  g_task_set_source_tag (task, jd_cli_codesign_sign_file_async);
  if (jd_cli_parsed_get (parsed, "key") == NULL || jd_cli_parsed_get (parsed, "cert") == NULL)
    {
      jd_cli_output_usage (output, "sign-file: --key KEY and --cert CERT are required");
      g_task_return_int (task, JD_CLI_EXIT_USAGE);
      return;
    }
  args = g_new0 (SignArgs, 1);
  args->shape = JD_CODESIGN_SHAPE_AFR_OTA;
  if (shape != NULL && !jd_codesign_shape_from_string (shape, &args->shape))
    {
      g_autofree char *message = g_strdup_printf ("sign-file: --shape is afr_ota or codesign, not %s", shape);

      sign_args_free (args);
      jd_cli_output_usage (output, message);
      g_task_return_int (task, JD_CLI_EXIT_USAGE);
      return;
    }
  args->file = g_strdup (g_ptr_array_index (parsed->args, 0));
  args->key = g_strdup (jd_cli_parsed_get (parsed, "key"));
  args->cert = g_strdup (jd_cli_parsed_get (parsed, "cert"));
  args->url = g_strdup (jd_cli_parsed_get (parsed, "url"));
  args->certfile = g_strdup (jd_cli_parsed_get (parsed, "certfile"));

  outer = g_new0 (Outer, 1);
  outer->output = output;
  outer->task = g_steal_pointer (&task);
  work = g_task_new (NULL, cancellable, signed_cb, outer);
  g_task_set_task_data (work, args, (GDestroyNotify) sign_args_free);
  g_task_run_in_thread (work, sign_thread);
}

/* ---- verify-job-document ---- */

typedef struct {
  JdCliOutput *output;
  SoupSession *session;
  char *cert;
  GPtrArray *files;
  guint next;
  guint failures;
} Verify;

static void
verify_free (Verify *v)
{
  g_clear_object (&v->session);
  g_free (v->cert);
  g_clear_pointer (&v->files, g_ptr_array_unref);
  g_free (v);
}

static void verify_next (GTask *task);

static void
file_verified_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Verify *v = g_task_get_task_data (task);
  JdSignedFile *file = g_ptr_array_index (v->files, v->next);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (jd_codesign_verify_finish (result, &error))
    line = g_strdup_printf ("Verified: %s", jd_signed_file_get_path (file));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_int (task, JD_CLI_EXIT_FAILED);
      g_object_unref (task);
      return;
    }
  else
    {
      line = g_strdup_printf ("Signature invalid: %s: %s", jd_signed_file_get_path (file), error->message);
      v->failures++;
    }
  jd_cli_output_text (v->output, "VerifyJobDocument", line);
  v->next++;
  verify_next (task);
}

static void
verify_next (GTask *task)
{
  Verify *v = g_task_get_task_data (task);

  if (v->next >= v->files->len)
    {
      g_task_return_int (task, v->failures == 0 ? JD_CLI_EXIT_OK : JD_CLI_EXIT_FAILED);
      g_object_unref (task);
      return;
    }
  jd_codesign_verify_async (g_ptr_array_index (v->files, v->next), v->session, v->cert, NULL,
                            NULL, NULL, NULL, g_task_get_cancellable (task), file_verified_cb, task);
}

static void
described_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Verify *v = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (source), result, &error);
  JsonNode *document;

  if (error != NULL || execution == NULL)
    {
      jd_cli_output_failed (v->output, "VerifyJobDocument",
                            error != NULL ? error->message : "no pending job execution");
      g_task_return_int (task, JD_CLI_EXIT_FAILED);
      g_object_unref (task);
      return;
    }
  document = jd_execution_get_job_document (execution);
  v->files = jd_codesign_find_files (document);
  if (v->files->len == 0)
    {
      jd_cli_output_failed (v->output, "VerifyJobDocument", "the job document has no signed files");
      g_task_return_int (task, JD_CLI_EXIT_FAILED);
      g_object_unref (task);
      return;
    }
  verify_next (task);
}

void
jd_cli_codesign_verify_async (JdCliOutput         *output,
                              JdJobsClient        *jobs,
                              JdCliParsed         *parsed,
                              const char          *ca_path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Verify *v;

  g_task_set_source_tag (task, jd_cli_codesign_verify_async);
  v = g_new0 (Verify, 1);
  v->output = output;
  v->cert = g_strdup (jd_cli_parsed_get (parsed, "cert"));
  g_task_set_task_data (task, v, (GDestroyNotify) verify_free);
  v->session = jd_codesign_session_new (ca_path, &error);
  if (v->session == NULL)
    {
      jd_cli_output_failed (output, "VerifyJobDocument", error->message);
      g_task_return_int (task, JD_CLI_EXIT_FAILED);
      return;
    }
  jd_jobs_client_describe_async (jobs, g_ptr_array_index (parsed->args, 0), -1, TRUE, cancellable,
                                 described_cb, g_steal_pointer (&task));
}

/* ---- put-file ---- */

typedef struct {
  JdCliOutput *output;
  GTask *task;
} Put;

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Put *put = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *placeholder = jd_file_upload_finish (result, &reply, &error);

  if (placeholder == NULL)
    {
      jd_cli_output_failed (put->output, "PutFile", error->message);
      g_task_return_int (put->task, JD_CLI_EXIT_FAILED);
    }
  else
    {
      jd_cli_output_response (put->output, "PutFile", reply);
      jd_cli_output_text (put->output, "PutFile", placeholder);
      g_task_return_int (put->task, JD_CLI_EXIT_OK);
    }
  g_object_unref (put->task);
  g_free (put);
}

void
jd_cli_codesign_put_file_async (JdCliOutput         *output,
                                JdControlPlane      *control_plane,
                                JdCliParsed         *parsed,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_ptr_array_index (parsed->args, 0));
  Put *put = g_new0 (Put, 1);

  put->output = output;
  put->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (put->task, jd_cli_codesign_put_file_async);
  jd_file_upload_async (control_plane, file, jd_cli_parsed_get (parsed, "key"), NULL, NULL, NULL,
                        cancellable, uploaded_cb, put);
}
