#ifndef TYCHO_CNCURSES_SHIM_H
#define TYCHO_CNCURSES_SHIM_H

// Wide-character ncurses: get_wch, mvadd_wchnstr, setcchar and cchar_t need these
// before the header.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>
#include <stdio.h>

// Macros and globals that do not import into Swift 6, wrapped as functions.
static inline WINDOW *CNcurses_stdscr(void) { return stdscr; }
static inline int CNcurses_lines(void) { return LINES; }
static inline int CNcurses_cols(void) { return COLS; }
static inline FILE *CNcurses_stdin(void) { return stdin; }
static inline FILE *CNcurses_stdout(void) { return stdout; }
static inline attr_t CNcurses_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t CNcurses_A_BOLD(void) { return A_BOLD; }
static inline attr_t CNcurses_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t CNcurses_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t CNcurses_A_DIM(void) { return A_DIM; }
static inline attr_t CNcurses_COLOR_PAIR(short pair) { return COLOR_PAIR(pair); }
static inline int CNcurses_KEY_RESIZE(void) { return KEY_RESIZE; }

// The C library's idea of a character's width: what ncurses and most terminals use.
extern int wcwidth(wchar_t c);
static inline int CNcurses_wcwidth(wchar_t c) { return wcwidth(c); }
static inline int CNcurses_KEY_CODE_YES(void) { return KEY_CODE_YES; }
static inline int CNcurses_ERR(void) { return ERR; }

#endif
