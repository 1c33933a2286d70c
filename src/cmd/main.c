/*
 * main.c: the entry point. Published numbers never depend on the locale:
 * pasos runs in the C locale whatever the environment says, and creates
 * files private whatever the umask.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <locale.h>
#include <sqlite3.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C");
	/*
	 * Private by default: the store, its journal, reports, exact tables and
	 * audits hold personal or confidential data, so whatever the caller's
	 * umask every file is created 0600 and every directory 0700; public
	 * tables are opened up one by one (outfile.h).
	 */
	umask(077);
	/* no count of SQLite's memory: it takes one lock around every allocation of every thread (pasos serve) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	return cli_main(argc, argv);
}
