/* jd-job-template.h — job templates' rules, once: the template id and ARN
 * forms, AWS's managed templates (their documents and documentParameters
 * as AWS publishes them) and the substitution of `${aws:iot:parameter:NAME}`
 * placeholders, for the jobs service, the control-plane client and the CLI.
 *
 * Sources: the IoT API model (DescribeManagedJobTemplate, CreateJob's
 * documentParameters) and the developer guide's managed-template pages;
 * choices where they are silent are in src/service/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define JD_JOB_TEMPLATE_ID_MAX            64     /* [a-zA-Z0-9_-]+ */
#define JD_JOB_TEMPLATE_ARN_MAX           1600   /* ^arn:[!-~]+$ */
#define JD_MANAGED_TEMPLATE_NAME_MAX      64
#define JD_DOCUMENT_PARAMETER_KEY_MAX     128    /* [a-zA-Z0-9_-]+ */
#define JD_DOCUMENT_PARAMETER_VALUE_MAX   30720  /* [^\p{C}]+ */
#define JD_DOCUMENT_PARAMETER_PREFIX      "${aws:iot:parameter:"

/* One documentParameters entry of a managed template. */
typedef struct {
  const char *key;
  const char *description;
  const char *regex;         /* the whole value must match */
  const char *example;
  gboolean    optional;      /* an omitted optional value becomes "" */
} JdTemplateParameter;

typedef struct {
  const char                *name;          /* "AWS-Reboot" */
  const char                *version;       /* "1.0" */
  const char                *description;
  const char                *document;      /* with the placeholders */
  const JdTemplateParameter *parameters;
  guint                      n_parameters;
} JdManagedTemplate;

/* The managed templates, in name order. */
const JdManagedTemplate *jd_managed_templates              (guint       *n_templates);
/* @version NULL: the default (latest) version. NULL when unknown. */
const JdManagedTemplate *jd_managed_template_find          (const char  *name,
                                                            const char  *version);
/* The environments every managed template runs in ("LINUX"). */
const char *const       *jd_managed_template_environments  (void);
/* arn:aws:iot:REGION::jobtemplate/NAME:VERSION */
char                    *jd_managed_template_arn           (const JdManagedTemplate *template_,
                                                            const char  *region);
/* arn:aws:iot:REGION:ACCOUNT:jobtemplate/ID */
char                    *jd_job_template_arn               (const char  *region,
                                                            const char  *account_id,
                                                            const char  *template_id);

/* `[a-zA-Z0-9_-]+`, 1–64 characters. */
gboolean  jd_rules_is_valid_job_template_id    (const char *template_id);
/* DescribeManagedJobTemplate's `^[1-9]+.[0-9]+` (AWS's pattern, unanchored
 * at the end as written). */
gboolean  jd_rules_is_valid_managed_template_version (const char *version);

/* Splits a job template ARN. A managed one (no account) gives *account_id
 * NULL, *name the template's name and *version its version; a custom one
 * gives the account and *name the template id, *version NULL. FALSE
 * (JD_JOBS_ERROR_INVALID_REQUEST) when @arn is not a job template ARN. */
gboolean  jd_job_template_parse_arn            (const char  *arn,
                                                char       **region,
                                                char       **account_id,
                                                char       **name,
                                                char       **version,
                                                GError     **error);

/* Checks @parameters (documentParameters: string → string, nullable)
 * against @template_'s: every key and value by the model's patterns, no key
 * the template does not define, every required one given, each value
 * matching its regex; then returns the document with each
 * `${aws:iot:parameter:KEY}` replaced by the value (JSON-escaped, as the
 * placeholders stand inside JSON strings; an omitted optional one by "").
 * Errors: JD_JOBS_ERROR_INVALID_REQUEST naming the parameter. */
char     *jd_managed_template_substitute       (const JdManagedTemplate *template_,
                                                JsonObject  *parameters,
                                                GError     **error);

/* One value for @parameter as the user typed it (NULL or "": left out), by
 * the rules substitute applies; the error in words for the UI. */
gboolean  jd_managed_template_check_value      (const JdTemplateParameter *parameter,
                                                const char  *value,
                                                GError     **error);

G_END_DECLS
