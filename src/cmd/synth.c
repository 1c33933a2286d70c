#include "../cli.h"
int cmd_synth(struct app *app, int argc, char **argv) { (void)app; (void)argc; (void)argv; return 0; }
