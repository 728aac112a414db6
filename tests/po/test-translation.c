/* test-translation.c — the gettext path end to end: the app's own calls, with
 * LANGUAGE=de and the catalogs meson compiled from po/LANG.po in the build
 * folder, come back in German, plurals pick the right form, and translated
 * formats keep their conversion specifiers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "jd-format.h"

/* The folder that holds de/LC_MESSAGES/jobdeck.mo, given by tests/po/meson.build. */
#ifndef JD_TEST_LOCALEDIR
#error "JD_TEST_LOCALEDIR must name the build folder's compiled catalogs"
#endif

static void
test_catalog_built (void)
{
  g_autofree char *mo = g_build_filename (JD_TEST_LOCALEDIR, "de", "LC_MESSAGES",
                                          GETTEXT_PACKAGE ".mo", NULL);

  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
  /* The catalog's header says who made it and how German counts. */
  g_assert_nonnull (strstr (g_dgettext (GETTEXT_PACKAGE, ""), "Language: de"));
  g_assert_nonnull (strstr (g_dgettext (GETTEXT_PACKAGE, ""), "plural=(n != 1)"));
}

static void
test_status_labels (void)
{
  g_assert_cmpstr (jd_format_status_label (JD_EXECUTION_STATUS_IN_PROGRESS), ==, "Läuft");
  g_assert_cmpstr (jd_format_status_label (JD_EXECUTION_STATUS_QUEUED), ==, "Eingereiht");
  g_assert_cmpstr (jd_format_status_label (JD_EXECUTION_STATUS_SUCCEEDED), ==, "Erfolgreich");
  g_assert_cmpstr (jd_format_status_label (JD_EXECUTION_STATUS_CANCELED), ==, "Abgebrochen");
  g_assert_cmpstr (jd_format_job_status_label (JD_JOB_STATUS_DELETION_IN_PROGRESS), ==,
                   "Löschung");
  g_assert_cmpstr (jd_format_target_selection_label (JD_TARGET_SELECTION_CONTINUOUS), ==,
                   "Fortlaufend");
}

static void
test_times (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 23, 12, 0, 0);
  struct {
    int seconds_ago;
    const char *expected;
  } cases[] = {
    { 10, "gerade eben" },
    { 60, "vor 1 Min." },
    { 5 * 60, "vor 5 Min." },
    { 3600, "vor 1 Std." },
    { 3 * 3600, "vor 3 Std." },
    { 30 * 3600, "gestern" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_add_seconds (now, -cases[i].seconds_ago);
      g_autofree char *text = jd_format_relative_time (when, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  {
    /* German date order: day, month, year. The month's name comes from
     * LC_TIME, which this test leaves at C. */
    g_autoptr(GDateTime) old = g_date_time_new_utc (2026, 2, 3, 12, 0, 0);
    g_autofree char *date = jd_format_relative_time (old, now);
    g_autoptr(GDateTime) exact = g_date_time_new_utc (2026, 11, 23, 10, 4, 5);
    g_autofree char *exact_text = jd_format_exact_time (exact);
    g_autofree char *never = jd_format_exact_time (NULL);

    g_assert_true (g_regex_match_simple ("^3\\. \\S+ 2026$", date, 0, 0));
    g_assert_true (g_str_has_prefix (exact_text, "23.11.2026 10:04:05"));
    g_assert_cmpstr (never, ==, "Nie");
  }
}

static void
test_plurals (void)
{
  /* The same calls as jd-jobs-view.c, jd-events-view.c and jd-jobs-view.c's timeout. */
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u job", "%u jobs", 1), ==, "%u Job");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u job", "%u jobs", 0), ==, "%u Jobs");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u job", "%u jobs", 2), ==, "%u Jobs");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u event", "%u events", 1), ==, "%u Ereignis");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u event", "%u events", 7), ==, "%u Ereignisse");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", 1), ==, "%d Minute");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", 10), ==, "%d Minuten");
}

static void
test_shortcuts_context (void)
{
  /* The shortcuts window's strings are looked up with their context. */
  g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "shortcut window", "Show Shortcuts"), ==,
                   "Tastenkürzel anzeigen");
  g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "shortcut window", "Preferences"), ==,
                   "Einstellungen");
  g_assert_cmpstr (_("_About Jobdeck"), ==, "_Info zu Jobdeck");
  g_assert_cmpstr (_("_Keyboard Shortcuts"), ==, "_Tastenkürzel");
}

/* The conversions of a printf format, in order, each as its text ("%s",
 * "%u", "%ld", …); "%%" is no conversion. */
static GPtrArray *
conversions (const char *format)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) regex = g_regex_new ("%(%|[-+ #0]*[0-9*]*(\\.[0-9*]+)?"
                                         "(hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn])",
                                         0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_regex_match (regex, format, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *spec = g_match_info_fetch (match, 0);

      if (strcmp (spec, "%%") != 0)
        g_ptr_array_add (found, g_steal_pointer (&spec));
      g_match_info_next (match, NULL);
    }
  return found;
}

static void
assert_same_conversions (const char *original,
                         const char *translated)
{
  g_autoptr(GPtrArray) want = conversions (original);
  g_autoptr(GPtrArray) got = conversions (translated);

  g_test_message ("“%s” → “%s”", original, translated);
  g_assert_cmpstr (translated, !=, original);
  g_assert_cmpuint (want->len, >, 0);
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (want, i));
}

static void
test_formats (void)
{
  const char *formats[] = {
    "Cancel %s?",
    "the control plane did not answer within %u seconds",
    "%s: %s\nHTTP status %u",
    "“%s” is not a valid thing name",
    "Local sandbox · Thing %s",
    "Connection lost: %s. Reconnecting…",
    "The key “%s” may only use letters, digits, “:”, “_” and “-”",
    "Updated %s",
  };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    assert_same_conversions (formats[i], g_dgettext (GETTEXT_PACKAGE, formats[i]));

  assert_same_conversions ("About %d seconds",
                           g_dngettext (GETTEXT_PACKAGE, "About %d second", "About %d seconds", 5));

  {
    /* And the German format, used as the app uses it, reads as German. */
    g_autofree char *text = g_strdup_printf (_("%s: %s\nHTTP status %u"),
                                             "ResourceNotFoundException", "Job Job1 not found", 404u);

    g_assert_cmpstr (text, ==, "ResourceNotFoundException: Job Job1 not found\nHTTP-Status 404");
  }
}

int
main (int   argc,
      char *argv[])
{
  /* LANGUAGE picks the catalog; GNU gettext ignores it in the plain "C"
   * locale, not in C.UTF-8. Set before the first gettext call, which caches. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_unsetenv ("LANG");

  g_test_init (&argc, &argv, NULL);

  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  /* As main.c does, with the build folder's catalogs. */
  bindtextdomain (GETTEXT_PACKAGE, JD_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/translation/catalog-built", test_catalog_built);
  g_test_add_func ("/translation/status-labels", test_status_labels);
  g_test_add_func ("/translation/times", test_times);
  g_test_add_func ("/translation/plurals", test_plurals);
  g_test_add_func ("/translation/shortcuts-context", test_shortcuts_context);
  g_test_add_func ("/translation/formats", test_formats);

  return g_test_run ();
}
