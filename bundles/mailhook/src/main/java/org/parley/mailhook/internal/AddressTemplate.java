package org.parley.mailhook.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jxmpp.jid.EntityBareJid;

/**
 * A recipient address made from the account, such as {@code {localpart}@example.edu}. Parsed once
 * when configured, so a template that cannot give an address is refused then, not at the first
 * mail.
 */
final class AddressTemplate implements RecipientAddresses {
    private static final List<String> PLACEHOLDERS = List.of("localpart", "domain");

    private final String template;
    private final List<String> parts; // literal text at even indexes, placeholder names at odd ones

    private AddressTemplate(String template, List<String> parts) {
        this.template = template;
        this.parts = parts;
    }

    /** @throws IllegalArgumentException saying what is wrong with the template */
    static AddressTemplate parse(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        List<String> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '}') {
                throw new IllegalArgumentException("has a '}' without its '{' at position " + i);
            }
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int end = template.indexOf('}', i);
            if (end < 0) {
                throw new IllegalArgumentException("has a '{' that is never closed at position " + i);
            }
            String name = template.substring(i + 1, end);
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException("names an unknown placeholder {" + name + "} (known: {localpart}, {domain})");
            }
            parts.add(literal.toString());
            parts.add(name);
            literal.setLength(0);
            i = end + 1;
        }
        parts.add(literal.toString());
        if (!parts.contains("localpart")) {
            throw new IllegalArgumentException("does not contain {localpart}: every user would get the same address");
        }
        AddressTemplate parsed = new AddressTemplate(template, parts);
        String sample = parsed.render("user", "example.org");
        try {
            new InternetAddress(sample, true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("does not give a mail address (" + sample + ": " + e.getMessage() + ")");
        }
        if (!sample.contains("@")) {
            throw new IllegalArgumentException("does not give a mail address with a domain (" + sample + ")");
        }
        return parsed;
    }

    String render(String localpart, String domain) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            out.append(i % 2 == 0 ? part : part.equals("localpart") ? localpart : domain);
        }
        return out.toString();
    }

    /**
     * The account's address, or empty when its localpart does not make a valid address (a JID
     * localpart allows characters a mail address does not): that user gets no mail.
     */
    @Override
    public Optional<String> address(EntityBareJid account) {
        String address = render(account.getLocalpart().toString().toLowerCase(Locale.ROOT), account.getDomain().toString());
        try {
            new InternetAddress(address, true).validate();
            return Optional.of(address);
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return template;
    }
}
