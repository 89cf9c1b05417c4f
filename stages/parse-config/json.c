#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

const char *jpath_key(char *buf, const char *parent, const char *key)
{
	if (*parent)
		snprintf(buf, JPATH_MAX, "%s.%s", parent, key);
	else
		snprintf(buf, JPATH_MAX, "%s", key);
	return buf;
}

const char *jpath_idx(char *buf, const char *parent, int i)
{
	snprintf(buf, JPATH_MAX, "%s[%d]", parent, i);
	return buf;
}

/* null counts as absent, as Go's decoder (runc) reads it: Go writes nil slices as null. */
const struct jnode *jget(const struct jnode *obj, const char *key)
{
	const struct jnode *v;

	if (!obj)
		return NULL;
	v = jnode_member(obj, key);
	return jnode_is(v, JNODE_NULL) ? NULL : v;
}

static int must_be(const char *path, const char *what, struct stage_error *err)
{
	return stage_fail(err, 0, "%s: must be %s", path, what);
}

int jv_string(const struct jnode *v, const char *path, const char **out, struct stage_error *err)
{
	if (!jnode_is(v, JNODE_STRING))
		return must_be(path, "a string", err);
	*out = v->str;
	return 0;
}

int jv_bool(const struct jnode *v, const char *path, bool *out, struct stage_error *err)
{
	if (!jnode_is_bool(v))
		return must_be(path, "a boolean", err);
	*out = jnode_is(v, JNODE_TRUE);
	return 0;
}

int jv_object(const struct jnode *v, const char *path, struct stage_error *err)
{
	if (!jnode_is(v, JNODE_OBJECT))
		return must_be(path, "an object", err);
	return 0;
}

int jv_array(const struct jnode *v, const char *path, struct stage_error *err)
{
	if (!jnode_is(v, JNODE_ARRAY))
		return must_be(path, "an array", err);
	return 0;
}

/*
 * An integer as sign and magnitude. A plain integer literal is read exactly
 * from its text (up to 2^64-1, past a double's 53 bits); other number forms
 * (5.0, 1e3) must still be integral and are read through their double.
 */
static int integer(const struct jnode *v, const char *path, bool *neg, uint64_t *mag,
		   struct stage_error *err)
{
	const char *digits;

	if (!jnode_is(v, JNODE_NUMBER))
		return must_be(path, "an integer", err);
	*neg = v->str[0] == '-';
	digits = v->str + *neg;
	if (digits[strspn(digits, "0123456789")] == '\0') {
		errno = 0;
		*mag = strtoull(digits, NULL, 10);
		if (errno == ERANGE)
			return stage_fail(err, 0, "%s: %s is too large", path, v->str);
		return 0;
	}
	if (!isfinite(v->num) || v->num != floor(v->num))
		return must_be(path, "an integer", err);
	if (fabs(v->num) >= 18446744073709551616.0)
		return stage_fail(err, 0, "%s: %s is too large", path, v->str);
	*mag = (uint64_t)fabs(v->num);
	*neg = *neg && *mag != 0;
	return 0;
}

int jv_i64(const struct jnode *v, const char *path, int64_t min, int64_t max, int64_t *out,
	   struct stage_error *err)
{
	bool neg;
	uint64_t mag;
	int64_t n;

	if (integer(v, path, &neg, &mag, err) < 0)
		return -1;
	if (neg ? mag > (uint64_t)INT64_MAX + 1 : mag > (uint64_t)INT64_MAX)
		goto out_of_range;
	n = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	if (n < min || n > max)
		goto out_of_range;
	*out = n;
	return 0;
out_of_range:
	return stage_fail(err, 0, "%s: %s out of range %lld..%lld", path, v->str, (long long)min,
			  (long long)max);
}

int jv_u64(const struct jnode *v, const char *path, uint64_t max, uint64_t *out,
	   struct stage_error *err)
{
	bool neg;
	uint64_t mag;

	if (integer(v, path, &neg, &mag, err) < 0)
		return -1;
	if (neg || mag > max)
		return stage_fail(err, 0, "%s: %s out of range 0..%llu", path, v->str,
				  (unsigned long long)max);
	*out = mag;
	return 0;
}

int jm_string(const struct jnode *obj, const char *path, const char *key, const char **out,
	      struct stage_error *err)
{
	const struct jnode *v = jget(obj, key);
	char p[JPATH_MAX];

	if (!v)
		return 0;
	return jv_string(v, jpath_key(p, path, key), out, err);
}

int jm_bool(const struct jnode *obj, const char *path, const char *key, bool *out,
	    struct stage_error *err)
{
	const struct jnode *v = jget(obj, key);
	char p[JPATH_MAX];

	if (!v)
		return 0;
	return jv_bool(v, jpath_key(p, path, key), out, err);
}

int jm_i64(const struct jnode *obj, const char *path, const char *key, int64_t min, int64_t max,
	   int64_t *out, bool *present, struct stage_error *err)
{
	const struct jnode *v = jget(obj, key);
	char p[JPATH_MAX];

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	return jv_i64(v, jpath_key(p, path, key), min, max, out, err);
}

int jm_u64(const struct jnode *obj, const char *path, const char *key, uint64_t max, uint64_t *out,
	   bool *present, struct stage_error *err)
{
	const struct jnode *v = jget(obj, key);
	char p[JPATH_MAX];

	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	return jv_u64(v, jpath_key(p, path, key), max, out, err);
}

int jm_array(const struct jnode *obj, const char *path, const char *key, const struct jnode **out,
	     struct stage_error *err)
{
	const struct jnode *v = jget(obj, key);
	char p[JPATH_MAX];

	*out = NULL;
	if (!v)
		return 0;
	if (jv_array(v, jpath_key(p, path, key), err) < 0)
		return -1;
	*out = v;
	return 0;
}

int jm_object(const struct jnode *obj, const char *path, const char *key, const struct jnode **out,
	      struct stage_error *err)
{
	const struct jnode *v = jget(obj, key);
	char p[JPATH_MAX];

	*out = NULL;
	if (!v)
		return 0;
	if (jv_object(v, jpath_key(p, path, key), err) < 0)
		return -1;
	*out = v;
	return 0;
}

int json_read(const char *what, const char *root, const char *text, size_t len, struct jnode **out,
	      struct stage_error *err)
{
	struct jnode_fault fault;
	unsigned line = 1, col = 1;

	*out = jnode_parse(text, len, &fault);
	if (*out)
		return 0;
	if (fault.duplicate) {
		stage_fail(err, 0, "%s%s%s: duplicate key", root, *root ? "." : "",
			   fault.duplicate);
		free(fault.duplicate);
		return -1;
	}
	if (!fault.stop || fault.stop < text || fault.stop > text + len)
		return stage_fail(err, 0, "%s: invalid JSON", what);
	for (const char *p = text; p < fault.stop; p++, col++)
		if (*p == '\n')
			line++, col = 0;
	return stage_fail(err, 0, "%s: invalid JSON near line %u column %u", what, line, col);
}
