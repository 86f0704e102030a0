package dev.talent.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An active alert: platforms carrying {@code tag} are not to be used (quarantined) until it is cleared, and apps
 * running on one are moved away at once.
 *
 * @param tag     what is vulnerable or under attack (a tag of platforms)
 * @param app     only this app is concerned; null: every app
 * @param reason  what the operator or the intrusion detection system said (free text, bounded)
 * @param at      when it was raised (ISO-8601 UTC)
 * @param effects what it did to each app, in the order the apps reported it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"tag", "app", "reason", "at", "effects"})
public record Alert(String tag, String app, String reason, String at, List<Effect> effects) {
    public static final int MAX_REASON = 1000;
    private static final Pattern APP = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    /** Effects kept per alert; an alert that concerns thousands of apps keeps the first ones. */
    public static final int MAX_EFFECTS = 1000;

    public Alert {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(at, "at");
        checkTag(tag);
        if (app != null && !APP.matcher(app).matches()) throw new IllegalArgumentException("\"" + app + "\" is not an app name");
        reason = reason == null ? "" : reason;
        if (reason.length() > MAX_REASON) throw new IllegalArgumentException("the reason is longer than " + MAX_REASON + " characters");
        effects = effects == null ? List.of() : List.copyOf(effects);
    }

    public static void checkTag(String tag) {
        if (tag == null || !Policy.TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("\"" + tag + "\" is not a tag (1-128 letters, digits and . _ : + / @ -, starting "
                    + "with a letter or digit)");
        }
    }

    /** Whether this alert concerns {@code appName}. */
    public boolean concerns(String appName) { return app == null || app.equals(appName); }

    public Alert withEffect(Effect e) {
        if (effects.size() >= MAX_EFFECTS) return this;
        List<Effect> more = new java.util.ArrayList<>(effects);
        more.add(e);
        return new Alert(tag, app, reason, at, more);
    }

    /**
     * What an alert did to one app.
     *
     * @param app    the app
     * @param action {@code moved} (it ran on a tagged platform and was migrated), {@code failed} (the migration away
     *               failed: it still runs there), {@code stuck} (no untagged platform to go to), {@code unaffected}
     *               (it did not run on a tagged platform; only the quarantine applies)
     * @param from   where it ran
     * @param to     where it went (null unless moved)
     * @param at     when the effect was reported
     * @param detail what went wrong, or the migration's downtime
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"app", "action", "from", "to", "at", "detail"})
    public record Effect(String app, String action, String from, String to, String at, String detail) {
        public Effect {
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(action, "action");
            if (detail != null && detail.length() > 2000) detail = detail.substring(0, 2000) + "...";
        }
    }
}
