package dev.rbmrevoker.message;

import java.util.List;

/**
 * One page of due messages.
 *
 * @param next the cursor of the following page, or null on the last page
 */
public record DuePage(List<DueItem> items, DueCursor next) {

    public DuePage {
        items = List.copyOf(items);
    }
}
