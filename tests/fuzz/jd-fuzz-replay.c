/* jd-fuzz-replay.c — without libFuzzer: replays a fuzz target's seed corpus
 * (every file of the folder given as the first argument, or FUZZ_CORPUS_DIR)
 * through LLVMFuzzerTestOneInput, one GTest case per file, so the corpora run
 * in every normal build under gcc.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fuzz-replay"

#include <string.h>

#include "jd-fuzz.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
replay_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  /* An exact-size heap copy, so ASan sees reads past the end as libFuzzer would. */
  copy = g_malloc (MAX (len, 1));
  memcpy (copy, contents, len);
  g_assert_cmpint (LLVMFuzzerTestOneInput (copy, len), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *corpus = FUZZ_CORPUS_DIR;
  const char *name;

  g_test_init (&argc, &argv, NULL);
  if (argc > 1)
    corpus = argv[1];

  dir = g_dir_open (corpus, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && strcmp (name, "README.md") != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/fuzz-replay/%s", (char *) names->pdata[i]);

      g_test_add_data_func_full (test_path, g_build_filename (corpus, names->pdata[i], NULL),
                                 replay_file, g_free);
    }
  return g_test_run ();
}
