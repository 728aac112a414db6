/* jd-cli-private.h — what the parts of jobdeck-cli share: the JdCli
 * instance, the command table's types, and the calls between the commands
 * (jd-cli-commands.c), the shell (jd-cli-shell.c) and start-up (jd-cli.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jd-cli.h"
#include "jd-cli-line.h"
#include "jd-cli-output.h"
#include "jd-jobs-data-client.h"
#include "jd-session.h"

G_BEGIN_DECLS

typedef struct _JdCliInvocation JdCliInvocation;
typedef void (*JdCliCommandRun) (JdCli           *self,
                                 JdCliInvocation *invocation);

typedef enum {
  JD_CLI_NEEDS_NOTHING,
  JD_CLI_NEEDS_CONTROL_PLANE,
  JD_CLI_NEEDS_DEVICE,
} JdCliNeeds;

typedef struct {
  const char        *name;
  const char        *aws_name;      /* the name printed before "Response:" */
  const char        *synopsis;
  const char        *summary;
  guint              min_args;
  guint              max_args;
  gboolean           takes_document; /* the rest of the line after the first argument */
  JdCliNeeds         needs;
  const JdCliOption *options;
  JdCliCommandRun    run;
  JdCliCommandRun    run_https;     /* the device command over the HTTPS jobs data plane; NULL: MQTT only */
} JdCliCommand;

struct _JdCliInvocation
{
  const JdCliCommand *command;
  JdCliParsed        *parsed;
  char               *document;
  GHashTable         *details;
  gint64              step_timeout;      /* 0 unset */
  gint64              expected_version;  /* -1 unset */
  gint64              execution_number;  /* -1 unset */
  gint64              timeout_minutes;   /* 0 unset */
  JdExecutionStatus   status;
  JdJobStatus         job_status;
  char               *reply_topic;       /* device: the accepted topic */
  char               *rejected_topic;
  JdEvent            *log_mark;          /* the event log's newest entry when it started */
};

struct _JdCli
{
  GObject           parent_instance;

  JdCliOutput      *output;
  GSettings        *settings;
  JdSession        *session;
  JdControlPlane   *control_plane;   /* the session's */
  JdJobsClient     *jobs;            /* the session's; NULL without a device side */
  JdJobsDataClient *jobs_data;       /* --device-api https: the device side instead of `jobs` */
  char             *thing_arn;
  GCancellable     *cancellable;
  GMainLoop        *loop;
  int               exit_status;

  /* options */
  char             *profile_name;
  char             *sandbox_dir;
  char             *thing_name;
  char             *endpoint;
  char             *port_text;
  char             *cert_path;
  char             *key_path;
  char             *ca_path;
  char             *region;
  char             *control_plane_endpoint;
  char             *device_api;        /* "mqtt" (default) or "https" */
  char             *jobs_endpoint;     /* --jobs-endpoint URL, else DescribeEndpoint iot:Jobs */
  gboolean          json;

  /* one-shot */
  JdCliInvocation  *one_shot;
  gboolean          watching;

  /* shell */
  gboolean          interactive;
  gboolean          at_prompt;        /* the prompt is shown, waiting for a line */
  GDataInputStream *input;
  GPtrArray        *history;
  gboolean          quitting;

  gulong            synced_id;
  guint             connect_timeout_id;
  gboolean          started;
};

/* jd-cli-commands.c */
const JdCliCommand *jd_cli_find_command       (const char          *name);
JdCliInvocation    *jd_cli_invocation_parse   (const char * const  *words,
                                               guint                n_words,
                                               const char          *line,
                                               GArray              *ends,
                                               GError             **error);
void                jd_cli_invocation_free    (JdCliInvocation     *invocation);
const char         *jd_cli_invocation_arg     (JdCliInvocation     *invocation,
                                               guint                i);
const char         *jd_cli_get_thing_name     (JdCli               *self);
int                 jd_cli_report_control_plane_error (JdCli        *self,
                                                       const char   *name,
                                                       const GError *error);

/* jd-cli-groups.c: thing groups and associate-targets-with-job. */
extern const JdCliOption jd_cli_create_group_options[];
extern const JdCliOption jd_cli_list_groups_options[];
extern const JdCliOption jd_cli_recursive_options[];
extern const JdCliOption jd_cli_delete_group_options[];
extern const JdCliOption jd_cli_associate_options[];
char               *jd_cli_target_arn                        (JdCli           *self,
                                                              const char      *name,
                                                              gboolean         group);
GPtrArray          *jd_cli_dup_targets                       (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_create_thing_group            (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_describe_thing_group          (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_list_thing_groups             (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_delete_thing_group            (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_add_thing_to_thing_group      (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_remove_thing_from_thing_group (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_list_things_in_thing_group    (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_list_thing_groups_for_thing   (JdCli           *self,
                                                              JdCliInvocation *invocation);
void                jd_cli_cmd_associate_targets             (JdCli           *self,
                                                              JdCliInvocation *invocation);

/* jd-cli-https.c: the device commands over HTTPS. */
void                jd_cli_https_get_pending        (JdCli           *self,
                                                     JdCliInvocation *invocation);
void                jd_cli_https_start_next         (JdCli           *self,
                                                     JdCliInvocation *invocation);
void                jd_cli_https_describe_execution (JdCli           *self,
                                                     JdCliInvocation *invocation);
void                jd_cli_https_update_execution   (JdCli           *self,
                                                     JdCliInvocation *invocation);

/* jd-cli-shell.c */
void                jd_cli_run_invocation     (JdCli               *self,
                                               JdCliInvocation     *invocation);
void                jd_cli_command_finished   (JdCli               *self,
                                               JdCliInvocation     *invocation,
                                               int                  status);
void                jd_cli_read_next_line     (JdCli               *self);
/* Prints an event, above a fresh prompt when the shell waits for a line. */
void                jd_cli_print_event        (JdCli               *self,
                                               const char          *name,
                                               JsonNode            *payload);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdCliInvocation, jd_cli_invocation_free)

G_END_DECLS
