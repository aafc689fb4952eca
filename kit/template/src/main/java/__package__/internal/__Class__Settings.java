package @package@.internal;

import java.util.regex.Pattern;

/** The configuration checked: built only from values the component can use. */
record @Class@Settings(String subdomain, String greeting) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** @throws IllegalArgumentException naming the key whose value is refused */
    static @Class@Settings from(@Class@Config config) {
        String subdomain = config.subdomain() == null ? "" : config.subdomain().strip();
        if (!LABEL.matcher(subdomain).matches()) {
            throw new IllegalArgumentException("key 'subdomain': '" + subdomain + "' is not one DNS label (a-z, 0-9, -)");
        }
        String greeting = config.greeting() == null ? "" : config.greeting().strip();
        if (greeting.isEmpty() || greeting.length() > 200) {
            throw new IllegalArgumentException("key 'greeting': must have 1 to 200 characters");
        }
        return new @Class@Settings(subdomain, greeting);
    }
}
