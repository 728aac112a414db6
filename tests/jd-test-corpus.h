/* jd-test-corpus.h — reading the device-API bad-input corpus
 * (the JSON files in tests/corpus/device) and comparing replies with its expectations;
 * shared by the in-process and the over-MQTT replays.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void      jd_test_corpus_assert_subset (JsonNode   *expected,
                                        JsonNode   *actual,
                                        const char *path);
gboolean  jd_test_corpus_has_path      (JsonObject *object,
                                        const char *dotted);
GBytes   *jd_test_corpus_case_payload  (JsonObject *c);

G_END_DECLS
