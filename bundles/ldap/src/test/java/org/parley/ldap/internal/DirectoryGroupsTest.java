package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.PasswordAuthenticator.Result;
import org.parley.api.roster.SharedGroup;
import org.parley.api.server.TestWorkers;

/** Shared roster groups read from a real directory (UnboundID in memory). */
class DirectoryGroupsTest {
    private static final String GROUPS = "ou=groups," + TestDirectory.BASE;
    private TestDirectory directory;
    private TestWorkers workers;
    private LdapProvider provider;
    private DirectoryGroups groups;
    private final AtomicInteger told = new AtomicInteger();
    private long now;

    @BeforeEach
    void start() throws Exception {
        directory = new TestDirectory();
        directory.server.add("dn: " + GROUPS, "objectClass: organizationalUnit", "ou: groups");
        directory.server.add("dn: cn=Staff," + GROUPS, "objectClass: groupOfNames", "cn: Staff",
                "member: uid=alice,ou=people," + TestDirectory.BASE,
                "member: UID=Bob, OU=People, DC=example, DC=org", // another spelling of bob's DN
                "member: uid=carol,ou=people," + TestDirectory.BASE, // outside a filter that wants mail
                "member: uid=ghost,ou=people," + TestDirectory.BASE); // no such entry
        directory.server.add("dn: cn=Lab," + GROUPS, "objectClass: groupOfNames", "cn: Lab",
                "member: uid=bob,ou=people," + TestDirectory.BASE);
        workers = new TestWorkers();
        provider = new LdapProvider(workers, TestCodec.SERVICE, Path.of("."), new FakeClock(), null);
        assertTrue(provider.apply(TestConfig.of(directory).set("userFilter", "(&(objectClass=inetOrgPerson)(mail=*))").build(), true));
        groups = new DirectoryGroups(provider::directory, workers, () -> now);
        groups.watch(told::incrementAndGet);
        groups.modified(TestConfig.of(directory).set("groupBaseDn", GROUPS).build());
    }

    @AfterEach
    void stop() {
        groups.deactivate();
        provider.deactivate();
        workers.close();
        directory.close();
    }

    private void read() throws Exception {
        groups.read().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void groupsOfNamesAreSharedWithTheMembersThatAreAccounts() throws Exception {
        read();
        assertEquals(List.of(new SharedGroup("Lab", Set.of("bob")), new SharedGroup("Staff", Set.of("alice", "bob"))),
                sorted(groups.groups()), "carol is outside the user filter, ghost does not exist, bob's DN matched in another spelling");
        assertEquals(1, told.get());
        read();
        assertEquals(1, told.get(), "an unchanged answer tells no one");
    }

    @Test
    void memberUidGroupsNameTheirMembersByUsername() throws Exception {
        directory.server.add("dn: cn=chess," + GROUPS, "objectClass: posixGroup", "cn: chess", "gidNumber: 1001",
                "memberUid: alice", "memberUid: Bob", "memberUid: carol", "memberUid: no one");
        groups.modified(TestConfig.of(directory).set("groupBaseDn", GROUPS).set("groupFilter", "(objectClass=posixGroup)")
                .set("groupMemberAttribute", "memberUid").build());
        read();
        assertEquals(List.of(new SharedGroup("chess", Set.of("alice", "bob"))), groups.groups());
    }

    @Test
    void aChangeInTheDirectoryIsReadAtTheNextRefresh_andADirectoryThatIsDownKeepsTheGroups() throws Exception {
        read();
        directory.server.modify("dn: cn=Lab," + GROUPS, "changetype: modify", "add: member", "member: uid=alice,ou=people,"
                + TestDirectory.BASE);
        groups.tick().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, told.get(), "not due yet: nothing read");
        now += TimeUnit.SECONDS.toNanos(301);
        groups.tick().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(new SharedGroup("Lab", Set.of("alice", "bob")), sorted(groups.groups()).get(0));
        assertEquals(2, told.get());

        directory.stop();
        read();
        assertEquals(2, sorted(groups.groups()).size(), "the directory is down: the groups read before stay");
        assertEquals(2, told.get());
    }

    @Test
    void invalidGroupKeysAreRefusedNamingTheKey_andTheSettingsBeforeStay() throws Exception {
        groups.modified(TestConfig.of(directory).set("groupBaseDn", "not a dn").build());
        groups.modified(TestConfig.of(directory).set("groupBaseDn", GROUPS).set("groupFilter", "objectClass=x").build());
        groups.modified(TestConfig.of(directory).set("groupBaseDn", GROUPS).set("groupMemberAttribute", "member)(x").build());
        groups.modified(TestConfig.of(directory).set("groupBaseDn", GROUPS).set("groupRefreshSeconds", 1).build());
        List<LdapSettings.Problem> problems = new ArrayList<>();
        DirectoryGroups.parse(TestConfig.of(directory).set("groupBaseDn", "not a dn").set("groupRefreshSeconds", 1).build(), problems);
        assertEquals(List.of("groupBaseDn", "groupRefreshSeconds"), problems.stream().map(LdapSettings.Problem::key).toList());
        assertTrue(problems.get(0).toString().startsWith("org.parley.ldap: key 'groupBaseDn': "), problems.get(0).toString());
        read();
        assertEquals(2, groups.groups().size(), "still read with the settings before");
    }

    @Test
    void aGroupBaseThatDoesNotExistKeepsTheGroupsAndDoesNotPassTheServerOver() throws Exception {
        read();
        groups.modified(TestConfig.of(directory).set("groupBaseDn", "ou=nowhere," + TestDirectory.BASE).build());
        read();
        assertEquals(2, groups.groups().size());
        assertEquals(Result.ACCEPTED, provider.authenticate("alice", "alice-pw").toCompletableFuture().get(10, TimeUnit.SECONDS),
                "sign-in still asks the server");
    }

    @Test
    void withoutAGroupBaseThereAreNoGroups() throws Exception {
        read();
        groups.modified(TestConfig.of(directory).build());
        read();
        assertTrue(groups.groups().isEmpty());
    }

    private static List<SharedGroup> sorted(List<SharedGroup> g) {
        return g.stream().sorted(java.util.Comparator.comparing(SharedGroup::name)).toList();
    }
}
