#!/usr/bin/env python3
# test-check-potfiles.py — runs check-potfiles.py on small made-up trees and
# checks that it passes a complete POTFILES.in and catches each kind of
# mistake, naming the file. TAP output.
#
# Usage: test-check-potfiles.py PATH/TO/check-potfiles.py
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import tempfile

CHECKER = None

BASE_TREE = {
    'src/app/jd-window.c': '#include "config.h"\nstatic void f (void) { g_print ("%s", _ ("Hello")); }\n',
    'src/app/jd-window.ui': '<interface><object class="GtkLabel">'
                            '<property name="label" translatable="yes">Hi</property>'
                            '</object></interface>\n',
    'src/app/jd-plain.c': '/* _("only in a comment") */\nstatic const char *s = "N_(\\"in a string\\")";\n'
                          'int my_(int x);\nint g = MY_MACRO_ (1);\n',
    'src/app/jd-plain.ui': '<interface><object class="GtkBox"/></interface>\n',
    'src/jobs/jd-jobs.c': 'static const char *names[] = { N_("Queued"), NULL };\n',
    'data/io.example.App.desktop.in': '[Desktop Entry]\nName=App\nIcon=@APP_ID@\n',
    'data/io.example.App.metainfo.xml.in': '<component><name>App</name></component>\n',
    'data/io.example.App.gschema.xml': '<schemalist><schema id="a"><key name="k" type="b">'
                                       '<default>true</default><summary>K</summary></key>'
                                       '</schema></schemalist>\n',
    'data/io.example.Bare.gschema.xml': '<schemalist><schema id="b"><key name="k" type="b">'
                                        '<default>true</default></key></schema></schemalist>\n',
    # A meson build folder inside the tree is never scanned.
    'src/_build/meson-private/coredata.dat': '',
    'src/_build/generated.c': 'const char *x = NULL; void f (void) { _("generated"); }\n',
}

BASE_POTFILES = [
    'data/io.example.App.desktop.in',
    'data/io.example.App.gschema.xml',
    'data/io.example.App.metainfo.xml.in',
    'src/app/jd-window.c',
    'src/app/jd-window.ui',
    'src/jobs/jd-jobs.c',
]


def run_checker(tree, potfiles):
    with tempfile.TemporaryDirectory() as root:
        for relpath, text in tree.items():
            path = os.path.join(root, relpath)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
        os.makedirs(os.path.join(root, 'po'), exist_ok=True)
        with open(os.path.join(root, 'po', 'POTFILES.in'), 'w', encoding='utf-8') as f:
            f.write('# A comment line.\n\n' + '\n'.join(potfiles) + '\n')
        result = subprocess.run([sys.executable, CHECKER, root],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        return result.returncode, result.stdout


def with_file(relpath, text):
    tree = dict(BASE_TREE)
    tree[relpath] = text
    return tree


def without(items, item):
    return [i for i in items if i != item]


# (description, tree, potfiles, expected exit code, failing TAP test, text the output must hold)
CASES = [
    ('a complete POTFILES.in passes', BASE_TREE, BASE_POTFILES, 0, None, None),
    ('a .c file with _() missing is reported', BASE_TREE,
     without(BASE_POTFILES, 'src/app/jd-window.c'), 1, 1,
     'src/app/jd-window.c: has translatable strings but is not in POTFILES.in'),
    ('a .c file with only N_() missing is reported', BASE_TREE,
     without(BASE_POTFILES, 'src/jobs/jd-jobs.c'), 1, 1, 'src/jobs/jd-jobs.c'),
    ('g_dngettext() counts', with_file('src/app/jd-more.c',
     'void f (void) { g_dngettext (NULL, "a", "b", 2); }\n'), BASE_POTFILES, 1, 1, 'src/app/jd-more.c'),
    ('C_() counts', with_file('src/app/jd-ctx.c', 'void f (void) { C_("ctx", "a"); }\n'),
     BASE_POTFILES, 1, 1, 'src/app/jd-ctx.c'),
    ('NC_() counts', with_file('src/app/jd-nctx.c', 'static const char *a = NC_("ctx", "a");\n'),
     BASE_POTFILES, 1, 1, 'src/app/jd-nctx.c'),
    ('a .ui file with translatable="yes" missing is reported', BASE_TREE,
     without(BASE_POTFILES, 'src/app/jd-window.ui'), 1, 1, 'src/app/jd-window.ui'),
    ('a missing .desktop.in is reported', BASE_TREE,
     without(BASE_POTFILES, 'data/io.example.App.desktop.in'), 1, 2,
     'data/io.example.App.desktop.in: has translatable content but is not in POTFILES.in'),
    ('a missing .metainfo.xml.in is reported', BASE_TREE,
     without(BASE_POTFILES, 'data/io.example.App.metainfo.xml.in'), 1, 2,
     'data/io.example.App.metainfo.xml.in'),
    ('a missing .gschema.xml with summaries is reported', BASE_TREE,
     without(BASE_POTFILES, 'data/io.example.App.gschema.xml'), 1, 2,
     'data/io.example.App.gschema.xml'),
    ('a listed file that does not exist is reported', BASE_TREE,
     sorted(BASE_POTFILES + ['src/app/jd-gone.c']), 1, 3,
     'src/app/jd-gone.c: listed in POTFILES.in but does not exist'),
    ('an unsorted list is reported', BASE_TREE,
     BASE_POTFILES[1:2] + BASE_POTFILES[0:1] + BASE_POTFILES[2:], 1, 4,
     'data/io.example.App.desktop.in: not sorted'),
    ('a duplicate entry is reported', BASE_TREE,
     BASE_POTFILES[:4] + BASE_POTFILES[3:], 1, 4, 'src/app/jd-window.c: listed more than once'),
    ('a [type: ...] prefix is understood', BASE_TREE,
     BASE_POTFILES[:4] + ['[type: gettext/glade]src/app/jd-window.ui'] + BASE_POTFILES[5:], 0, None, None),
]


def main(argv):
    global CHECKER
    if len(argv) != 2:
        print('usage: test-check-potfiles.py PATH/TO/check-potfiles.py', file=sys.stderr)
        return 2
    CHECKER = argv[1]

    print('TAP version 13')
    print('1..{}'.format(len(CASES)))
    failed = False
    for number, (description, tree, potfiles, want_rc, want_failing, want_text) in enumerate(CASES, 1):
        rc, output = run_checker(tree, potfiles)
        problems = []
        if rc != want_rc:
            problems.append('exit code {}, expected {}'.format(rc, want_rc))
        failing = [line for line in output.splitlines() if line.startswith('not ok ')]
        if want_failing is None and failing:
            problems.append('unexpected failures: {}'.format(failing))
        if want_failing is not None:
            prefix = 'not ok {} '.format(want_failing)
            if [line for line in failing if not line.startswith(prefix)] or not failing:
                problems.append('expected only test {} to fail, got {}'.format(want_failing, failing))
        if want_text is not None and want_text not in output:
            problems.append('output lacks "{}"'.format(want_text))
        print('{}ok {} - {}'.format('not ' if problems else '', number, description))
        for problem in problems:
            print('# ' + problem)
        if problems:
            for line in output.splitlines():
                print('#   | ' + line)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
