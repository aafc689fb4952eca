package org.parley.api.usage;

import java.time.LocalDate;

/**
 * How many distinct accounts signed in during one ISO 8601 week (Monday to Sunday, UTC).
 *
 * @param isoWeek the week as ISO 8601 writes it, {@code 2026-W48}
 * @param monday the week's first day
 * @param distinctUsers accounts that bound at least one session that week (or were online when it began)
 */
public record WeeklyUsers(String isoWeek, LocalDate monday, long distinctUsers) {
}
