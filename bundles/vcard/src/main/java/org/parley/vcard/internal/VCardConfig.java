package org.parley.vcard.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of vCards (PID org.parley.vcard, file etc/org.parley.vcard.cfg). */
@ObjectClassDefinition(id = VCardConfig.PID, name = "Parley vCards", description = "vCards (XEP-0054) and avatar hashes (XEP-0153)")
public @interface VCardConfig {
    String PID = "org.parley.vcard";

    // min and max as VCardComponent checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", max = "1048576", description = "Largest photo a user may store, in bytes of the image (before base64); "
            + "a bigger one is refused with not-acceptable. At least 1, at most 1048576")
    int maxPhotoBytes() default VCards.DEFAULT_MAX_PHOTO_BYTES;

    @AttributeDefinition(description = "Add the hash of the user's vCard photo to the presence they send, when "
            + "their client did not (XEP-0153), so that contacts' clients fetch a changed avatar")
    boolean avatarHashes() default true;
}
