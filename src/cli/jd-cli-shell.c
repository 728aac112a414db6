/* jd-cli-shell.c — jobdeck-cli's shell: reading stdin asynchronously (so
 * events that arrive between or during commands print as they come), the
 * history and !N, running one invocation and going on to the next line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jd-cli-private.h"

#define PROMPT "jobdeck> "


void
jd_cli_run_invocation (JdCli           *self,
                JdCliInvocation *invocation)
{
  const JdCliCommand *command = invocation->command;

  if (command->needs == JD_CLI_NEEDS_DEVICE && self->jobs_data != NULL)
    {
      if (command->run_https != NULL)
        command->run_https (self, invocation);
      else
        {
          /* Notifications and the like come only over MQTT. */
          g_autofree char *message = g_strdup_printf ("%s needs the MQTT device API (--device-api mqtt)",
                                                      command->name);

          jd_cli_output_failed (self->output, command->aws_name, message);
          jd_cli_command_finished (self, invocation, JD_CLI_EXIT_USAGE);
        }
      return;
    }
  if (command->needs == JD_CLI_NEEDS_DEVICE && self->jobs == NULL)
    {
      jd_cli_output_failed (self->output, command->aws_name,
                            "the device side is not connected: there is no client certificate");
      jd_cli_command_finished (self, invocation, JD_CLI_EXIT_FAILED);
      return;
    }
  command->run (self, invocation);
}

void
jd_cli_command_finished (JdCli           *self,
                  JdCliInvocation *invocation,
                  int         status)
{
  if (invocation == self->one_shot)
    {
      self->exit_status = status;
      g_main_loop_quit (self->loop);
      return;
    }

  jd_cli_invocation_free (invocation);
  if (self->quitting)
    {
      g_main_loop_quit (self->loop);
      return;
    }
  jd_cli_read_next_line (self);
}

/* Runs one line of the shell; returns FALSE when nothing was started (so the
 * caller reads the next line). */
static gboolean
run_line (JdCli      *self,
          const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GArray) ends = NULL;
  g_autofree char *expanded = NULL;
  JdCliInvocation *invocation;

  words = jd_cli_line_split (line, &ends, &error);
  if (words != NULL && words->len == 0)
    return FALSE;
  if (words == NULL || ((char *) g_ptr_array_index (words, 0))[0] != '!')
    g_ptr_array_add (self->history, g_strdup (line));
  if (words == NULL)
    {
      jd_cli_output_usage (self->output, error->message);
      return FALSE;
    }

  /* !N runs the N-th command of the history again. */
  if (words->len == 1 && ((char *) g_ptr_array_index (words, 0))[0] == '!')
    {
      const char *number = (char *) g_ptr_array_index (words, 0) + 1;
      gint64 n;

      if (!jd_cli_parse_int ("!N", "N", number, 1, MAX (self->history->len, 1), &n, &error) ||
          self->history->len == 0)
        {
          jd_cli_output_usage (self->output, self->history->len == 0
                               ? "the history is empty" : error->message);
          return FALSE;
        }
      expanded = g_strdup (g_ptr_array_index (self->history, n - 1));
      jd_cli_output_note (self->output, "%s", expanded);
      return run_line (self, expanded);
    }

  g_ptr_array_add (words, NULL);
  invocation = jd_cli_invocation_parse ((const char *const *) words->pdata, words->len - 1,
                                 line, ends, &error);
  if (invocation == NULL)
    {
      jd_cli_output_usage (self->output, error->message);
      return FALSE;
    }
  jd_cli_run_invocation (self, invocation);
  return TRUE;
}

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JdCli) self = user_data;
  g_autoptr(GError) error = NULL;
  gsize length;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                    result, &length, &error);

  self->at_prompt = FALSE;

  if (line == NULL)
    {
      if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (error != NULL)
        {
          g_printerr ("jobdeck-cli: cannot read the input: %s\n", error->message);
          self->exit_status = JD_CLI_EXIT_FAILED;
        }
      else if (self->interactive)
        fputc ('\n', stdout);
      /* End of input. */
      g_main_loop_quit (self->loop);
      return;
    }

  if (!run_line (self, line))
    jd_cli_read_next_line (self);
}

static gboolean
read_next_line_idle_cb (gpointer user_data)
{
  JdCli *self = user_data;

  if (self->interactive)
    {
      fputs (PROMPT, stdout);
      fflush (stdout);
      self->at_prompt = TRUE;
    }
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       line_read_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

void
jd_cli_read_next_line (JdCli *self)
{
  /* From an idle, so a pipe full of instant commands does not recurse. */
  g_idle_add_full (G_PRIORITY_DEFAULT, read_next_line_idle_cb, g_object_ref (self), g_object_unref);
}

void
jd_cli_print_event (JdCli      *self,
                    const char *name,
                    JsonNode   *payload)
{
  /* An event while the prompt waits: print it above a fresh prompt. */
  if (self->at_prompt && isatty (STDOUT_FILENO))
    fputs ("\r\033[K", stdout);
  jd_cli_output_event (self->output, name, payload);
  if (self->at_prompt)
    {
      fputs (PROMPT, stdout);
      fflush (stdout);
    }
}
