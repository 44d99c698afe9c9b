package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// applyEnv sets every scalar key from PARLEY_<PATH>, where PATH is the key's YAML path in upper
// case joined by "_" (nats.url → PARLEY_NATS_URL). Lists are left to the file.
func applyEnv(f *File, lookup func(string) (string, bool)) error {
	return walkEnv(reflect.ValueOf(f).Elem(), "", lookup)
}

func walkEnv(v reflect.Value, path string, lookup func(string) (string, bool)) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		field := t.Field(i)
		tag := strings.Split(field.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		key := tag
		if path != "" {
			key = path + "." + tag
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct && field.Type != reflect.TypeOf(Duration(0)) {
			if err := walkEnv(fv, key, lookup); err != nil {
				return err
			}
			continue
		}
		name := EnvName(key)
		raw, ok := lookup(name)
		if !ok {
			continue
		}
		if err := setScalar(fv, raw); err != nil {
			return fmt.Errorf("%s (%s): %w", name, key, err)
		}
	}
	return nil
}

// EnvName is the environment variable that overrides a YAML key path.
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

func setScalar(v reflect.Value, raw string) error {
	if v.Type() == reflect.TypeOf(Duration(0)) {
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("%q is not a duration", raw)
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(raw)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", raw)
		}
		v.SetInt(n)
	case reflect.Float64:
		x, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", raw)
		}
		v.SetFloat(x)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return nil // lists of objects come from the file only
		}
		parts := strings.Split(raw, ",")
		out := reflect.MakeSlice(v.Type(), 0, len(parts))
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				out = reflect.Append(out, reflect.ValueOf(p))
			}
		}
		v.Set(out)
	}
	return nil
}
