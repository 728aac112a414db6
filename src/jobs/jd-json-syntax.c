/* jd-json-syntax.c — a strict JSON checker that says where and what.
 *
 * json-glib says "unexpected character `}', expected character `}'" for
 * {"a": }; people need the spot and what belongs there. This walks the text
 * once, without building anything, iteratively bounded in depth.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-json-syntax"

#include <string.h>

#include "jd-json-syntax.h"

typedef struct {
  const char *text;
  gsize       len;
  gsize       pos;
  guint       depth;
  JdJsonSyntaxProblem problem;
  gsize       problem_pos;
} Scanner;

static gboolean
fail (Scanner             *s,
      JdJsonSyntaxProblem  problem,
      gsize                pos)
{
  s->problem = problem;
  s->problem_pos = pos;
  return FALSE;
}

static void
skip_space (Scanner *s)
{
  while (s->pos < s->len &&
         (s->text[s->pos] == ' ' || s->text[s->pos] == '\t' ||
          s->text[s->pos] == '\n' || s->text[s->pos] == '\r'))
    s->pos++;
}

static gboolean
peek (Scanner *s,
      char     c)
{
  return s->pos < s->len && s->text[s->pos] == c;
}

static gboolean
scan_string (Scanner *s)
{
  gsize start = s->pos;

  s->pos++;   /* the opening quote */
  while (s->pos < s->len)
    {
      guchar c = s->text[s->pos];

      if (c == '"')
        {
          s->pos++;
          return TRUE;
        }
      if (c < 0x20)
        return fail (s, c == '\n' ? JD_JSON_SYNTAX_UNTERMINATED_STRING : JD_JSON_SYNTAX_CONTROL_CHARACTER,
                     c == '\n' ? start : s->pos);
      if (c == '\\')
        {
          char e = s->pos + 1 < s->len ? s->text[s->pos + 1] : '\0';

          if (e == 'u')
            {
              for (guint i = 2; i < 6; i++)
                if (s->pos + i >= s->len || !g_ascii_isxdigit (s->text[s->pos + i]))
                  return fail (s, JD_JSON_SYNTAX_INVALID_ESCAPE, s->pos);
              s->pos += 6;
              continue;
            }
          if (e == '\0' || strchr ("\"\\/bfnrt", e) == NULL)
            return fail (s, JD_JSON_SYNTAX_INVALID_ESCAPE, s->pos);
          s->pos += 2;
          continue;
        }
      s->pos++;
    }
  return fail (s, JD_JSON_SYNTAX_UNTERMINATED_STRING, start);
}

static gboolean
scan_number (Scanner *s)
{
  gsize start = s->pos;
  gsize digits;

  if (peek (s, '-'))
    s->pos++;
  if (peek (s, '0'))
    s->pos++;
  else
    {
      for (digits = 0; s->pos < s->len && g_ascii_isdigit (s->text[s->pos]); digits++)
        s->pos++;
      if (digits == 0)
        return fail (s, JD_JSON_SYNTAX_INVALID_NUMBER, start);
    }
  if (peek (s, '.'))
    {
      s->pos++;
      for (digits = 0; s->pos < s->len && g_ascii_isdigit (s->text[s->pos]); digits++)
        s->pos++;
      if (digits == 0)
        return fail (s, JD_JSON_SYNTAX_INVALID_NUMBER, start);
    }
  if (peek (s, 'e') || peek (s, 'E'))
    {
      s->pos++;
      if (peek (s, '+') || peek (s, '-'))
        s->pos++;
      for (digits = 0; s->pos < s->len && g_ascii_isdigit (s->text[s->pos]); digits++)
        s->pos++;
      if (digits == 0)
        return fail (s, JD_JSON_SYNTAX_INVALID_NUMBER, start);
    }
  /* "01" or "1x": a number glued to more. */
  if (s->pos < s->len && (g_ascii_isalnum (s->text[s->pos]) || s->text[s->pos] == '.'))
    return fail (s, JD_JSON_SYNTAX_INVALID_NUMBER, start);
  return TRUE;
}

static gboolean
scan_literal (Scanner *s)
{
  static const char *const literals[] = { "true", "false", "null" };
  gsize start = s->pos;
  gsize end = s->pos;

  while (end < s->len && g_ascii_isalpha (s->text[end]))
    end++;
  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    if (end - start == strlen (literals[i]) && memcmp (s->text + start, literals[i], end - start) == 0)
      {
        s->pos = end;
        return TRUE;
      }
  return fail (s, end > start ? JD_JSON_SYNTAX_INVALID_LITERAL : JD_JSON_SYNTAX_EXPECTED_VALUE, start);
}

static gboolean scan_value (Scanner *s);

static gboolean
scan_container (Scanner *s,
                gboolean object)
{
  char close = object ? '}' : ']';

  if (++s->depth > JD_JSON_SYNTAX_MAX_DEPTH)
    return fail (s, JD_JSON_SYNTAX_TOO_DEEP, s->pos);
  s->pos++;   /* the opening bracket */
  skip_space (s);
  if (peek (s, close))
    {
      s->pos++;
      s->depth--;
      return TRUE;
    }

  for (;;)
    {
      if (object)
        {
          if (!peek (s, '"'))
            return fail (s, JD_JSON_SYNTAX_EXPECTED_NAME, s->pos);
          if (!scan_string (s))
            return FALSE;
          skip_space (s);
          if (!peek (s, ':'))
            return fail (s, JD_JSON_SYNTAX_EXPECTED_COLON, s->pos);
          s->pos++;
        }
      if (!scan_value (s))
        return FALSE;
      skip_space (s);
      if (peek (s, close))
        {
          s->pos++;
          s->depth--;
          return TRUE;
        }
      if (!peek (s, ','))
        return fail (s, object ? JD_JSON_SYNTAX_EXPECTED_OBJECT_END : JD_JSON_SYNTAX_EXPECTED_ARRAY_END, s->pos);
      {
        gsize comma = s->pos;

        s->pos++;
        skip_space (s);
        if (peek (s, close))
          return fail (s, JD_JSON_SYNTAX_TRAILING_COMMA, comma);
      }
    }
}

static gboolean
scan_value (Scanner *s)
{
  skip_space (s);
  if (s->pos >= s->len)
    return fail (s, JD_JSON_SYNTAX_EXPECTED_VALUE, s->pos);

  switch (s->text[s->pos])
    {
    case '{':
      return scan_container (s, TRUE);
    case '[':
      return scan_container (s, FALSE);
    case '"':
      return scan_string (s);
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return scan_number (s);
    default:
      return scan_literal (s);
    }
}

gboolean
jd_json_syntax_check (const char        *text,
                      gssize             length,
                      JdJsonSyntaxError *error)
{
  Scanner s = { 0 };
  const char *invalid = NULL;
  gboolean ok;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);

  s.text = text;
  s.len = length < 0 ? strlen (text) : (gsize) length;

  if (!g_utf8_validate (s.text, s.len, &invalid))
    {
      s.problem = JD_JSON_SYNTAX_INVALID_UTF8;
      s.problem_pos = invalid - s.text;
      ok = FALSE;
    }
  else
    {
      skip_space (&s);
      if (s.pos >= s.len)
        {
          s.problem = JD_JSON_SYNTAX_EMPTY;
          s.problem_pos = s.pos;
          ok = FALSE;
        }
      else
        {
          ok = scan_value (&s);
          if (ok)
            {
              skip_space (&s);
              if (s.pos < s.len)
                ok = fail (&s, JD_JSON_SYNTAX_TRAILING_TEXT, s.pos);
            }
        }
    }

  if (error != NULL)
    {
      memset (error, 0, sizeof *error);
      error->problem = ok ? JD_JSON_SYNTAX_OK : s.problem;
      if (!ok)
        {
          gsize line_start = 0;

          error->offset = s.problem_pos;
          error->line = 1;
          for (gsize i = 0; i < s.problem_pos; i++)
            if (s.text[i] == '\n')
              {
                error->line++;
                line_start = i + 1;
              }
          /* Characters, not bytes; the text is valid UTF-8 up to here. */
          error->column = g_utf8_strlen (s.text + line_start, s.problem_pos - line_start) + 1;
        }
    }
  return ok;
}
