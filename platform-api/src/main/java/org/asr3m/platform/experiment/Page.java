package org.asr3m.platform.experiment;

import java.util.List;

/**
 * One page of a list.
 *
 * @param page 0-based page number
 * @param size page size asked for
 * @param total items matching the filters, on all pages
 */
public record Page<T>(List<T> items, int page, int size, long total) {}
