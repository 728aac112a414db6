#!/usr/bin/env python3
# check-po.py — checks every translation that po/LINGUAS lists, as TAP.
#
# For each language: po/LANG.po exists; `msgfmt --check --statistics` accepts
# it (headers, plural forms, c-format conversions) and finds no fuzzy and no
# untranslated message; every translated label keeps its mnemonic (one "_"
# before a letter or digit where the original has one); and it holds every
# message the sources in po/POTFILES.in mark today (xgettext with meson's
# "glib" preset keywords, then msgcmp), so a new string without a
# translation fails here, not only in the user's eyes. Also: every po/*.po
# is listed in LINGUAS, so no translation is silently left out of the build.
#
# Usage: check-po.py MSGFMT SOURCE_ROOT
#
# SPDX-License-Identifier: GPL-3.0-or-later

import ast
import os
import re
import subprocess
import sys
import tempfile

# meson's i18n.gettext(preset: 'glib') keywords, as po/meson.build uses.
XGETTEXT_KEYWORDS = ['_', 'N_', 'C_:1c,2', 'NC_:1c,2', 'g_dcgettext:2', 'g_dngettext:2,3',
                     'g_dpgettext2:2c,3']

ENTRY_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')
MNEMONIC = re.compile(r'_(?=[^\W_])')


def read_linguas(path):
    langs = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0]
            langs.extend(line.split())
    return langs


def parse_po(path):
    """The entries of a .po file: dicts of msgctxt/msgid/msgid_plural/msgstr[N]."""
    entries = []
    current = {}
    field = None
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.rstrip('\n')
            if line.startswith('#~'):
                continue
            match = ENTRY_LINE.match(line)
            if match:
                name = match.group(1)
                if name in ('msgctxt', 'msgid') and ('msgid' in current and
                                                     any(k.startswith('msgstr') for k in current)):
                    entries.append(current)
                    current = {}
                if name == 'msgstr':
                    name = 'msgstr[0]'
                field = name
                current[field] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and field is not None:
                current[field] += ast.literal_eval(line)
            elif not line.strip():
                field = None
    if 'msgid' in current:
        entries.append(current)
    return entries


def mnemonic_problems(entries):
    problems = []
    for entry in entries:
        msgid = entry.get('msgid', '')
        if not msgid:
            continue
        wanted = len(MNEMONIC.findall(msgid))
        if wanted != 1:
            continue
        for key, value in entry.items():
            if not key.startswith('msgstr') or not value:
                continue
            have = len(MNEMONIC.findall(value))
            if have != 1:
                problems.append('%r → %r: %d mnemonics, want 1' % (msgid, value, have))
    return problems


def main():
    if len(sys.argv) != 3:
        sys.stderr.write('usage: check-po.py MSGFMT SOURCE_ROOT\n')
        return 2
    msgfmt, root = sys.argv[1], sys.argv[2]
    po_dir = os.path.join(root, 'po')
    results = []

    langs = read_linguas(os.path.join(po_dir, 'LINGUAS'))

    # The messages the sources mark today (the tools come with msgfmt).
    tools = os.path.dirname(msgfmt)
    pot = tempfile.NamedTemporaryFile(suffix='.pot', delete=False)
    pot.close()
    proc = subprocess.run([os.path.join(tools, 'xgettext'), '--from-code=UTF-8', '-f',
                           os.path.join(po_dir, 'POTFILES.in'), '-D', root, '-o', pot.name]
                          + ['--keyword=' + k for k in XGETTEXT_KEYWORDS],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=dict(os.environ, LC_ALL='C', LANGUAGE=''), universal_newlines=True)
    have_pot = proc.returncode == 0
    results.append((have_pot, 'xgettext reads every file of POTFILES.in',
                    proc.stdout.strip().splitlines()))

    on_disk = sorted(name[:-3] for name in os.listdir(po_dir) if name.endswith('.po'))
    unlisted = [lang for lang in on_disk if lang not in langs]
    results.append((not unlisted, 'every po/*.po is in LINGUAS',
                    ['not in LINGUAS: ' + ', '.join(unlisted)] if unlisted else []))
    results.append((langs == sorted(set(langs)), 'LINGUAS is sorted without duplicates', []))

    for lang in langs:
        path = os.path.join(po_dir, lang + '.po')
        if not os.path.isfile(path):
            results.append((False, '%s: po/%s.po exists' % (lang, lang), []))
            continue

        proc = subprocess.run([msgfmt, '--check', '--statistics', '-o', os.devnull, path],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=dict(os.environ, LC_ALL='C', LANGUAGE=''),
                              universal_newlines=True)
        output = proc.stdout.strip()
        results.append((proc.returncode == 0, '%s: msgfmt --check accepts it' % lang,
                        output.splitlines()))
        complete = (proc.returncode == 0 and 'fuzzy' not in output and
                    'untranslated' not in output and re.search(r'\d+ translated message', output))
        results.append((bool(complete), '%s: every message translated, none fuzzy' % lang,
                        [output]))

        if have_pot:
            proc = subprocess.run([os.path.join(tools, 'msgcmp'), '--use-untranslated', path, pot.name],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  env=dict(os.environ, LC_ALL='C', LANGUAGE=''),
                                  universal_newlines=True)
            missing = [line for line in proc.stdout.splitlines()
                       if 'not defined' in line or 'fatal' in line]
            results.append((proc.returncode == 0, '%s: holds every message the sources mark' % lang,
                            missing))

        try:
            problems = mnemonic_problems(parse_po(path))
        except (SyntaxError, ValueError) as error:
            problems = ['cannot parse: %s' % error]
        results.append((not problems, '%s: mnemonics kept' % lang, problems))

    os.unlink(pot.name)
    print('1..%d' % len(results))
    failed = 0
    for number, (ok, name, notes) in enumerate(results, 1):
        print('%sok %d - %s' % ('' if ok else 'not ', number, name))
        if not ok:
            failed += 1
            for note in notes:
                print('# ' + note)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
