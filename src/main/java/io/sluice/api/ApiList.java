package io.sluice.api;

import java.util.List;

/**
 * ApiList is the list envelope of mediamtx's v3 API. Without {@code itemsPerPage} everything is one page;
 * with it (and the 0-based {@code page}) only that page's items are returned.
 */
record ApiList<T>(int itemCount, int pageCount, List<T> items) {

    static <T> ApiList<T> of(List<T> all, ApiCall call) throws ApiException {
        int perPage = number(call, "itemsPerPage", all.isEmpty() ? 1 : all.size(), 1);
        int page = number(call, "page", 0, 0);
        // mediamtx counts no page for no items
        int pages = all.isEmpty() ? 0 : (all.size() + perPage - 1) / perPage;
        int from = (int) Math.min((long) page * perPage, all.size());
        int to = (int) Math.min((long) from + perPage, all.size());
        return new ApiList<>(all.size(), pages, List.copyOf(all.subList(from, to)));
    }

    private static int number(ApiCall call, String key, int absent, int min) throws ApiException {
        String v = call.param(key);
        if (v == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min) {
                return n;
            }
            throw invalid(key, v, min);
        } catch (NumberFormatException e) {
            throw invalid(key, v, min);
        }
    }

    private static ApiException invalid(String key, String value, int min) {
        return new ApiException(400, "invalid " + key + " '" + value + "': an integer >= " + min);
    }
}
