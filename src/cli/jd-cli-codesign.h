/* jd-cli-codesign.h — jobdeck-cli's signed-file commands: sign-file,
 * verify-job-document and put-file. Each runs asynchronously, prints its
 * lines on the CLI's output, and completes with the exit status
 * (JD_CLI_EXIT_*), which jd-cli.c passes on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-control-plane.h"
#include "jd-cli-line.h"
#include "jd-cli-output.h"
#include "jd-jobs-client.h"

G_BEGIN_DECLS

#define JD_CLI_SIGN_FILE_SYNOPSIS \
  "<file> --key KEY --cert CERT [--shape afr_ota|codesign] [--url URL] [--certfile NAME]"
#define JD_CLI_SIGN_FILE_SUMMARY \
  "Sign a file with a PEM code-signing key and print the job document fragment"
#define JD_CLI_VERIFY_SYNOPSIS "<jobId|$next> [--cert CERT]"
#define JD_CLI_VERIFY_SUMMARY \
  "Download and verify every signed file of the thing's job execution (exit 0 only when all verify)"
#define JD_CLI_PUT_FILE_SYNOPSIS "<file> [--key KEY]"
#define JD_CLI_PUT_FILE_SUMMARY \
  "Upload a file to the sandbox's file store and print its presigned-URL placeholder"

extern const JdCliOption jd_cli_sign_file_options[];
extern const JdCliOption jd_cli_verify_options[];
extern const JdCliOption jd_cli_put_file_options[];

/* sign-file: @parsed holds the file and the options above. */
void jd_cli_codesign_sign_file_async (JdCliOutput         *output,
                                      JdCliParsed         *parsed,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);

/* verify-job-document: describes the execution with @jobs, then downloads
 * each signed file (trusting @ca_path, nullable, for HTTPS) and prints
 * "Verified: <filepath>" or "Signature invalid: <filepath>: <reason>". */
void jd_cli_codesign_verify_async    (JdCliOutput         *output,
                                      JdJobsClient        *jobs,
                                      JdCliParsed         *parsed,
                                      const char          *ca_path,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);

/* put-file: a SigV4-signed PUT to the control-plane endpoint's file store;
 * the placeholder is the last line printed. */
void jd_cli_codesign_put_file_async  (JdCliOutput         *output,
                                      JdControlPlane      *control_plane,
                                      JdCliParsed         *parsed,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);

/* The exit status of any of the three. */
int  jd_cli_codesign_finish          (GAsyncResult        *result);

G_END_DECLS
