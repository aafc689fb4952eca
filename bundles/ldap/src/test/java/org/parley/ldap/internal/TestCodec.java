package org.parley.ldap.internal;

import org.apache.directory.api.ldap.codec.api.LdapApiService;
import org.apache.directory.api.ldap.codec.osgi.DefaultLdapCodecService;
import org.apache.directory.api.ldap.codec.protocol.mina.LdapProtocolCodecFactory;
import org.apache.directory.api.ldap.extras.ExtrasCodecFactoryUtil;

/** The codec service as the Directory API's bundle activators assemble it in the framework. */
final class TestCodec {
    static final LdapApiService SERVICE = create();

    private static LdapApiService create() {
        DefaultLdapCodecService service = new DefaultLdapCodecService();
        ExtrasCodecFactoryUtil.loadExtrasControls(service);
        ExtrasCodecFactoryUtil.loadExtrasExtendedOperations(service);
        service.registerProtocolCodecFactory(new LdapProtocolCodecFactory(service));
        return service;
    }

    private TestCodec() {
    }
}
