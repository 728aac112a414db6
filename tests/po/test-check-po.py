#!/usr/bin/env python3
# test-check-po.py — runs check-po.py on small made-up po/ folders and checks
# that it passes a good translation and catches each kind of mistake: a fuzzy
# or untranslated message, a broken format, a lost mnemonic, a language in
# LINGUAS without its .po, a .po missing from LINGUAS, a message a source
# marks that the .po lacks. TAP output.
#
# Usage: test-check-po.py PATH/TO/check-po.py MSGFMT
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import tempfile

HEADER = '''msgid ""
msgstr ""
"Project-Id-Version: demo\\n"
"Language: de\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''

GOOD = HEADER + '''msgid "_Cancel"
msgstr "_Abbrechen"

#, c-format
msgid "Cancel %s?"
msgstr "%s abbrechen?"

#, c-format
msgid "%u job"
msgid_plural "%u jobs"
msgstr[0] "%u Job"
msgstr[1] "%u Jobs"

msgid "Use “-” and “_”"
msgstr "„-“ und „_“ verwenden"
'''

# The one source file the made-up POTFILES.in lists: it marks GOOD's messages.
SOURCE = '''#include <glib/gi18n.h>
static void demo (guint n, const char *s)
{
  g_print ("%s", _("_Cancel"));
  g_print (_("Cancel %s?"), s);
  g_print (g_dngettext (NULL, "%u job", "%u jobs", n), n);
  g_print ("%s", _("Use “-” and “_”"));
}
'''


def run_checker(checker, msgfmt, files, source=SOURCE):
    with tempfile.TemporaryDirectory() as root:
        os.mkdir(os.path.join(root, 'po'))
        os.mkdir(os.path.join(root, 'src'))
        with open(os.path.join(root, 'src', 'demo.c'), 'w', encoding='utf-8') as f:
            f.write(source)
        with open(os.path.join(root, 'po', 'POTFILES.in'), 'w', encoding='utf-8') as f:
            f.write('src/demo.c\n')
        for name, text in files.items():
            with open(os.path.join(root, 'po', name), 'w', encoding='utf-8') as f:
                f.write(text)
        proc = subprocess.run([sys.executable, checker, msgfmt, root],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True)
        return proc.returncode, proc.stdout


def main():
    checker, msgfmt = sys.argv[1], sys.argv[2]
    cases = [
        ('a complete translation passes', {'LINGUAS': 'de\n', 'de.po': GOOD}, 0, None),
        ('a fuzzy message fails',
         {'LINGUAS': 'de\n', 'de.po': GOOD.replace('msgid "_Cancel"', '#, fuzzy\nmsgid "_Cancel"')},
         1, 'not ok - de: every message translated'),
        ('an untranslated message fails',
         {'LINGUAS': 'de\n', 'de.po': GOOD.replace('msgstr "%s abbrechen?"', 'msgstr ""')},
         1, 'not ok - de: every message translated'),
        ('a broken format fails',
         {'LINGUAS': 'de\n', 'de.po': GOOD.replace('msgstr[1] "%u Jobs"', 'msgstr[1] "%s Jobs"')},
         1, 'not ok - de: msgfmt --check'),
        ('a lost mnemonic fails',
         {'LINGUAS': 'de\n', 'de.po': GOOD.replace('msgstr "_Abbrechen"', 'msgstr "Abbrechen"')},
         1, 'not ok - de: mnemonics kept'),
        ('two mnemonics fail',
         {'LINGUAS': 'de\n', 'de.po': GOOD.replace('msgstr "_Abbrechen"', 'msgstr "_Ab_brechen"')},
         1, 'not ok - de: mnemonics kept'),
        ('a language without its .po fails', {'LINGUAS': 'de\nfr\n', 'de.po': GOOD},
         1, 'not ok - fr: po/fr.po exists'),
        ('a .po missing from LINGUAS fails', {'LINGUAS': '\n', 'de.po': GOOD},
         1, 'not ok - every po/*.po is in LINGUAS'),
        ('a message the sources mark but the .po lacks fails', {'LINGUAS': 'de\n', 'de.po': GOOD},
         1, 'not ok - de: holds every message the sources mark',
         SOURCE.replace('}\n', '  g_print ("%s", _("Retry"));\n}\n')),
        ('an unsorted LINGUAS fails', {'LINGUAS': 'fr\nde\n', 'de.po': GOOD, 'fr.po': GOOD.replace('Language: de', 'Language: fr')},
         1, 'not ok - LINGUAS is sorted'),
    ]

    print('1..%d' % len(cases))
    failed = 0
    for number, case in enumerate(cases, 1):
        name, files, want_rc, want_line = case[:4]
        rc, output = run_checker(checker, msgfmt, files, *case[4:])
        # "not ok - NAME" matches "not ok N - NAME" whatever N is.
        ok = rc == want_rc and (want_line is None or any(
            line.startswith('not ok ') and line.split(' - ', 1)[-1].startswith(want_line[len('not ok - '):])
            for line in output.splitlines()))
        if want_rc == 0:
            ok = ok and 'not ok' not in output
        print('%sok %d - %s' % ('' if ok else 'not ', number, name))
        if not ok:
            failed += 1
            for line in output.splitlines():
                print('# ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
