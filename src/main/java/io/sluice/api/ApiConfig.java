package io.sluice.api;

import static io.sluice.api.ApiRoute.Tail.NAME;
import static io.sluice.api.ApiRoute.Tail.NONE;

import io.sluice.conf.PathConf;
import io.sluice.control.Control;
import io.sluice.control.ControlException;
import io.sluice.net.http.HttpReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ApiConfig shows and changes the running configuration (mediamtx's {@code /v3/config/…}): the top-level
 * settings, the path entries, the whole file as JSON or YAML, and saving it. Secrets are always masked in
 * what it shows; {@code save} writes them unmasked to the file only.
 */
final class ApiConfig {
    static final String YAML = "application/yaml; charset=utf-8";
    private static final String PATHS = "paths";

    private final Control control;

    ApiConfig(Control control) {
        this.control = control;
    }

    List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/v3/config/global/get", NONE, c -> ApiJson.ok(global())),
                ApiRoute.patch("/v3/config/global/patch", NONE, this::patchGlobal),
                ApiRoute.get("/v3/config/paths/list", NONE, c -> ApiJson.ok(ApiList.of(pathEntries(), c))),
                ApiRoute.get("/v3/config/paths/get/", NAME, c -> ApiJson.ok(entry(c.name()))),
                ApiRoute.post("/v3/config/paths/add/", NAME, this::addPath),
                ApiRoute.patch("/v3/config/paths/patch/", NAME, this::patchPath),
                ApiRoute.delete("/v3/config/paths/delete/", NAME, this::deletePath),
                ApiRoute.get("/v3/config/get", NONE, this::whole),
                ApiRoute.post("/v3/config/save", NONE, c -> ApiJson.ok(Map.of("file", control.save()))));
    }

    /** The top-level settings: the whole tree without its path entries. */
    private Map<String, Object> global() {
        Map<String, Object> g = new LinkedHashMap<>(control.confTree(null));
        g.remove(PATHS);
        return g;
    }

    private HttpReply patchGlobal(ApiCall c) throws ApiException, ControlException {
        Map<String, Object> patch = c.body();
        if (patch.containsKey(PATHS)) {
            throw new ApiException(400, "paths: not a global setting; use /v3/config/paths/add|patch|delete/{name}");
        }
        control.patchGlobal(patch);
        return ApiJson.ok(global());
    }

    /** Every path entry in file order, each with its name first, as mediamtx lists them. */
    private List<Map<String, Object>> pathEntries() {
        List<Map<String, Object>> items = new ArrayList<>();
        for (PathConf p : control.conf().paths()) {
            items.add(named(p.name(), control.confTree(p.name())));
        }
        return items;
    }

    private Map<String, Object> entry(String name) throws ApiException {
        if (control.conf().paths().stream().noneMatch(p -> p.name().equals(name))) {
            throw new ApiException(404, "no path entry '" + name + "'");
        }
        return named(name, control.confTree(name));
    }

    private static Map<String, Object> named(String name, Map<String, Object> tree) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        tree.forEach(m::putIfAbsent);
        return m;
    }

    private HttpReply addPath(ApiCall c) throws ApiException, ControlException {
        control.addPath(c.name(), c.body());
        return ApiJson.ok(entry(c.name()));
    }

    private HttpReply patchPath(ApiCall c) throws ApiException, ControlException {
        control.patchPath(c.name(), c.body());
        return ApiJson.ok(entry(c.name()));
    }

    private HttpReply deletePath(ApiCall c) throws ControlException {
        control.deletePath(c.name());
        return ApiJson.ok(Map.of());
    }

    /** The whole running configuration, secrets masked: JSON, or {@code ?format=yaml} to keep as a file. */
    private HttpReply whole(ApiCall c) throws ApiException {
        String format = c.param("format");
        if (format == null || format.equals("json")) {
            return ApiJson.ok(control.confTree(null));
        }
        if (format.equals("yaml")) {
            return HttpReply.of(200, YAML, control.yaml(true)).with("Cache-Control", "no-store");
        }
        throw new ApiException(400, "unknown format '" + format + "': json or yaml");
    }
}
