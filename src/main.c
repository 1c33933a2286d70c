/*
 * main.c: the entry point. Published numbers never depend on the locale:
 * pasos runs in the C locale whatever the environment says.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <locale.h>

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C");
	return cli_main(argc, argv);
}
