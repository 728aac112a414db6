/* jd-credentials-private.h — the pieces of the credential chain that tests
 * and other files of libjobdeck-jobs reach into.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsecret/secret.h>

#include "jd-credentials.h"

G_BEGIN_DECLS

const SecretSchema *jd_credentials_get_schema   (void);
const char         *jd_secret_kind_to_string    (JdSecretKind kind);

/* Parses the AWS INI dialect of ~/.aws/credentials and ~/.aws/config:
 * "[section]", "key = value", comments after '#' or ';' at line start, and
 * indented lines that belong to a nested block (ignored). Returns section name
 * → (key → value), both tables owning their strings. Later duplicates win. */
GHashTable         *jd_aws_ini_parse            (const char *text);

/* Step 2 and 3 of the chain against an explicit environment (envp as from
 * g_get_environ()). Return NULL when the source has nothing; *why_not then says
 * why in a sentence the UI can show. */
JdCredentials      *jd_credentials_from_environment (const char *const *envp,
                                                     char              **why_not);
JdCredentials      *jd_credentials_from_aws_files   (const char *const *envp,
                                                     const char         *aws_profile,
                                                     char              **why_not);

G_END_DECLS
