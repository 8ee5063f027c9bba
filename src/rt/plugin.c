/* plugin.c — plugins and boot: each plugin's init spawns its services and
 * registers them; boot then freezes them into the
 * immutable host registry. Shutdown hooks run from hr_rt_shutdown. */
#include <stdio.h>
#include <string.h>

#include "rt_int.h"

struct hr_plugin_ctx {
	hr_rt *rt;
};

int hr_plugin_add(hr_rt *rt, const hr_plugin *pl, void *ud)
{
	hr_pl *np;
	int rc = 0;

	if (!pl || !pl->name)
		return HB_EINVAL;
	pthread_mutex_lock(&rt->host_mtx);
	if (rt->booted) {
		rc = HB_EBUSY;
	} else {
		np = hr__realloc(rt, rt->plugins,
				 (rt->nplugins + 1) * sizeof *np);
		if (!np) {
			rc = HB_ENOMEM;
		} else {
			rt->plugins = np;
			np[rt->nplugins].pl = *pl;
			np[rt->nplugins].ud = ud;
			rt->nplugins++;
		}
	}
	pthread_mutex_unlock(&rt->host_mtx);
	return rc;
}

hr_rt *hr_plugin_rt(hr_plugin_ctx *pc)
{
	return pc->rt;
}

/* Add (name, h) to a list, taking one more host reference to h. */
static int named_add(hr_rt *rt, hr_named **list, uint32_t *n, const char *name,
		     hr_handle h)
{
	hr_named *nl;
	uint32_t i;
	size_t len;
	int rc;

	if (!name)
		return HB_EINVAL;
	len = strlen(name);
	if (!len || len > HR_MAX_SERVICE_NAME)
		return HB_EINVAL;
	for (i = 0; i < rt->nservices; i++)
		if (!strcmp(rt->services[i].name, name))
			return HB_EEXIST;
	nl = hr__realloc(rt, *list, (*n + 1) * sizeof *nl);
	if (!nl)
		return HB_ENOMEM;
	*list = nl;
	nl[*n].name = hr__strdup(rt, name, len);
	if (!nl[*n].name)
		return HB_ENOMEM;
	rc = hr_ref_inc(rt->host, h);
	if (rc) {
		hr__free(rt, nl[*n].name);
		return rc;
	}
	nl[*n].h = h;
	(*n)++;
	return 0;
}

int hr_plugin_service(hr_plugin_ctx *pc, const char *name, hr_handle h)
{
	hr_rt *rt = pc->rt;
	int rc;

	pthread_mutex_lock(&rt->host_mtx);
	rc = rt->booted ? HB_EBUSY
			: named_add(rt, &rt->services, &rt->nservices, name, h);
	pthread_mutex_unlock(&rt->host_mtx);
	return rc;
}

int hr_rt_boot(hr_rt *rt, hr_handle *reg)
{
	hr_plugin_ctx pc = {.rt = rt};
	hr_registry_entry *e = NULL;
	hr_handle all = HR_HANDLE_NONE, pub;
	uint32_t i, n;
	int rc;

	pthread_mutex_lock(&rt->host_mtx);
	rc = rt->booted ? HB_EEXIST : 0;
	pthread_mutex_unlock(&rt->host_mtx);
	if (rc)
		return rc;
	for (i = 0; i < rt->nplugins; i++) {
		rc = rt->plugins[i].pl.init(&pc, rt->plugins[i].ud);
		if (rc)
			return rc;
	}
	pthread_mutex_lock(&rt->host_mtx);
	rt->booted = true;
	n = rt->nservices;
	pthread_mutex_unlock(&rt->host_mtx);
	if (n) {
		e = hr__alloc(rt, n * sizeof *e);
		if (!e)
			return HB_ENOMEM;
	}
	for (i = 0; i < rt->nservices; i++)
		e[i] = (hr_registry_entry){rt->services[i].name,
					   rt->services[i].h};
	rc = hr_host_registry_spawn(rt, e, n, false, &all);
	hr__free(rt, e);
	if (rc)
		return rc;
	rc = hr_host_demote(rt, all, HR_PERM_SEND | HR_PERM_MONITOR, &pub);
	if (rc)
		return rc;
	pthread_mutex_lock(&rt->host_mtx);
	rt->registry = pub;
	pthread_mutex_unlock(&rt->host_mtx);
	if (reg)
		*reg = pub;
	return 0;
}

int hr_rt_registry(hr_rt *rt, hr_handle *reg)
{
	int rc = HB_ENOENT;

	pthread_mutex_lock(&rt->host_mtx);
	if (rt->registry != HR_HANDLE_NONE) {
		*reg = rt->registry;
		rc = 0;
	}
	pthread_mutex_unlock(&rt->host_mtx);
	return rc;
}
