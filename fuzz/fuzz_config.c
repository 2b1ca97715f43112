/* Fuzz target: the configuration file reader (our own INI parser, decision
 * 0006), then the whole-configuration checks and the printing `config show`
 * does. The input is the file; it reaches the reader through a memfd, the
 * same path an operator's file takes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("gazette.ini", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct gz_config cfg;
    struct gz_config_report report;
    gz_config_defaults(&cfg);
    gz_config_report_init(&report);
    gz_config_read(&cfg, path, &report);
    char err[256], value[1024];
    gz_config_validate(&cfg, err, sizeof err);
    for (size_t i = 0; i < gz_config_count(); i++)
        gz_config_value(&cfg, i, value, sizeof value);
    gz_config_report_free(&report);
    gz_config_clear(&cfg);
    close(fd);
    return 0;
}
