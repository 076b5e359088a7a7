// SPDX-License-Identifier: GPL-2.0
/*
 * znbstat: show znetback's grant counters for every vif it serves, and wait
 * for outstanding grant mappings to drain (for leak checks and CI).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#define BACKEND_MODULE "znetback"
#define GLOBAL_MAPPED "/sys/kernel/debug/znetback/pages_mapped"

struct vif_stats {
	char name[IF_NAMESIZE];
	unsigned int n;
	char (*names)[ETH_GSTRING_LEN];
	uint64_t *values;
};

static const char *const summary_stats[] = {
	"pages_mapped_now", "pages_mapped_peak", "map_ops", "unmap_ops",
	"unmap_batches", "copy_outs", "tx_responses", "tx_zerocopy_sent",
	"tx_zerocopy_success", "tx_zerocopy_fail", "oldest_mapping_age_ms",
};

static int ethtool_ioctl(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

/*
 * The driver is named "vif" (ethtool -i, sysfs), as xen-netback's is; the
 * module behind the device says which backend serves it.
 */
static bool is_znetback(const char *ifname)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t len;
	const char *base;

	snprintf(link, sizeof(link), "/sys/class/net/%s/device/driver/module",
		 ifname);
	len = readlink(link, target, sizeof(target) - 1);
	if (len < 0)
		return false;
	target[len] = '\0';
	base = strrchr(target, '/');
	return strcmp(base ? base + 1 : target, BACKEND_MODULE) == 0;
}

static int read_stats(int fd, const char *ifname, struct vif_stats *vs)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t len;
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_STATS } };
	struct ethtool_gstrings *strings;
	struct ethtool_stats *stats;
	unsigned int n;

	if (ethtool_ioctl(fd, ifname, &sset) < 0 || !sset.hdr.sset_mask)
		return -1;
	n = sset.len;
	strings = calloc(1, sizeof(*strings) + (size_t)n * ETH_GSTRING_LEN);
	stats = calloc(1, sizeof(*stats) + (size_t)n * sizeof(uint64_t));
	if (!strings || !stats)
		goto fail;
	strings->cmd = ETHTOOL_GSTRINGS;
	strings->string_set = ETH_SS_STATS;
	strings->len = n;
	stats->cmd = ETHTOOL_GSTATS;
	stats->n_stats = n;
	if (ethtool_ioctl(fd, ifname, strings) < 0 || ethtool_ioctl(fd, ifname, stats) < 0)
		goto fail;

	snprintf(vs->name, sizeof(vs->name), "%s", ifname);
	vs->n = n;
	vs->names = malloc((size_t)n * ETH_GSTRING_LEN);
	vs->values = malloc((size_t)n * sizeof(uint64_t));
	if (!vs->names || !vs->values)
		goto fail;
	memcpy(vs->names, strings->data, (size_t)n * ETH_GSTRING_LEN);
	memcpy(vs->values, stats->data, (size_t)n * sizeof(uint64_t));
	free(strings);
	free(stats);
	return 0;
fail:
	free(strings);
	free(stats);
	return -1;
}

static bool stat_value(const struct vif_stats *vs, const char *name, uint64_t *out)
{
	for (unsigned int i = 0; i < vs->n; i++) {
		if (strncmp(vs->names[i], name, ETH_GSTRING_LEN) == 0) {
			*out = vs->values[i];
			return true;
		}
	}
	return false;
}

static void free_stats(struct vif_stats *vs)
{
	free(vs->names);
	free(vs->values);
}

/* Reads every znetback vif; returns how many, or -1 on a socket error. */
static int collect(struct vif_stats **out, const char *only)
{
	struct if_nameindex *ifs, *it;
	struct vif_stats *all = NULL;
	int fd, count = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	ifs = if_nameindex();
	for (it = ifs; it && it->if_index; it++) {
		struct vif_stats vs = { 0 };
		struct vif_stats *grown;

		if (only && strcmp(only, it->if_name) != 0)
			continue;
		if (!is_znetback(it->if_name) || read_stats(fd, it->if_name, &vs) < 0)
			continue;
		grown = realloc(all, sizeof(*all) * (count + 1));
		if (!grown) {
			free_stats(&vs);
			break;
		}
		all = grown;
		all[count++] = vs;
	}
	if (ifs)
		if_freenameindex(ifs);
	close(fd);
	*out = all;
	return count;
}

/* Pages mapped by the module as a whole, vifs already gone included. */
static long global_mapped(void)
{
	FILE *f = fopen(GLOBAL_MAPPED, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void print_table(struct vif_stats *vs, int n, bool all_stats)
{
	if (n == 0) {
		printf("no vif served by %s\n", BACKEND_MODULE);
		return;
	}
	for (int i = 0; i < n; i++) {
		printf("%s\n", vs[i].name);
		if (all_stats) {
			for (unsigned int j = 0; j < vs[i].n; j++)
				printf("  %-28.*s %llu\n", ETH_GSTRING_LEN, vs[i].names[j],
				       (unsigned long long)vs[i].values[j]);
			continue;
		}
		for (size_t j = 0; j < sizeof(summary_stats) / sizeof(summary_stats[0]); j++) {
			uint64_t v;

			if (stat_value(&vs[i], summary_stats[j], &v))
				printf("  %-28s %llu\n", summary_stats[j], (unsigned long long)v);
		}
		{
			uint64_t unmaps, batches;

			if (stat_value(&vs[i], "unmap_ops", &unmaps) &&
			    stat_value(&vs[i], "unmap_batches", &batches) && batches)
				printf("  %-28s %.1f\n", "mean_unmap_batch",
				       (double)unmaps / (double)batches);
		}
	}
}

/* Sum of pages_mapped_now over the vifs, and over the module if it says more. */
static long outstanding(const char *only)
{
	struct vif_stats *vs;
	long sum = 0, global;
	int n = collect(&vs, only);

	for (int i = 0; i < n; i++) {
		uint64_t v;

		if (stat_value(&vs[i], "pages_mapped_now", &v))
			sum += (long)v;
		free_stats(&vs[i]);
	}
	free(vs);
	if (only)
		return sum;
	global = global_mapped();
	if (global < 0)
		fprintf(stderr, "znbstat: cannot read %s (module not loaded, or no debugfs): "
			"only live vifs are counted\n", GLOBAL_MAPPED);
	return global > sum ? global : sum;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: znbstat [options] [VIF]\n"
		"Show znetback's grant-mapping counters for each vif (or only VIF).\n"
		"\n"
		"  -a, --all            every ethtool counter, not just the summary\n"
		"  -w, --watch SECONDS  repeat every SECONDS until interrupted\n"
		"  -o, --outstanding    print the number of guest pages mapped right now\n"
		"  -d, --drain SECONDS  wait up to SECONDS for mapped pages to reach 0;\n"
		"                       exit 0 if they did, 1 if not (for leak checks)\n"
		"  -h, --help           this text\n"
		"\n"
		"Without VIF, --outstanding and --drain also count pages of vifs that are\n"
		"already gone, from %s (needs debugfs).\n",
		GLOBAL_MAPPED);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "watch", required_argument, NULL, 'w' },
		{ "outstanding", no_argument, NULL, 'o' },
		{ "drain", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool all_stats = false, show_outstanding = false;
	int watch = 0, drain = -1, c;
	const char *only;

	while ((c = getopt_long(argc, argv, "aw:od:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all_stats = true; break;
		case 'w': watch = atoi(optarg); break;
		case 'o': show_outstanding = true; break;
		case 'd': drain = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	only = optind < argc ? argv[optind] : NULL;

	if (show_outstanding) {
		printf("%ld\n", outstanding(only));
		return 0;
	}
	if (drain >= 0) {
		time_t deadline = time(NULL) + drain;
		long left;

		while ((left = outstanding(only)) > 0 && time(NULL) < deadline)
			usleep(200000);
		printf("outstanding mappings: %ld%s\n", left,
		       left > 0 ? " (did not drain in time)" : "");
		return left > 0;
	}
	do {
		struct vif_stats *vs;
		int n = collect(&vs, only);

		if (n < 0) {
			perror("znbstat: socket");
			return 1;
		}
		print_table(vs, n, all_stats);
		for (int i = 0; i < n; i++)
			free_stats(&vs[i]);
		free(vs);
		if (watch > 0)
			sleep((unsigned int)watch);
	} while (watch > 0);
	return 0;
}
