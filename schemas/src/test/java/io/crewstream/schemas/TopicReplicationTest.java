package io.crewstream.schemas;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TopicReplicationTest {

    @Test
    void withoutASettingTwoReplicasMustHaveARecordWhereThereAreTwoOrMore() {
        assertThat(TopicReplication.of((short) 1, null).minInsyncReplicas()).isEqualTo((short) 1);
        assertThat(TopicReplication.of((short) 2, null).minInsyncReplicas()).isEqualTo((short) 2);
        assertThat(TopicReplication.of((short) 3, null).minInsyncReplicas()).isEqualTo((short) 2);
        assertThat(TopicReplication.of((short) 5, null).minInsyncReplicas()).isEqualTo((short) 2);
    }

    @Test
    void anExplicitSettingWins() {
        assertThat(TopicReplication.of((short) 5, (short) 3)).isEqualTo(new TopicReplication((short) 5, (short) 3));
    }

    @Test
    void moreInSyncReplicasThanCopiesOrNoneAtAllIsRefusedWithTheReason() {
        assertThatIllegalArgumentException().isThrownBy(() -> TopicReplication.of((short) 3, (short) 4))
                .withMessage("min-insync-replicas must be between 1 and the replication factor (3) but was 4");
        assertThatIllegalArgumentException().isThrownBy(() -> TopicReplication.of((short) 3, (short) 0))
                .withMessageContaining("but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> TopicReplication.of((short) 0, null))
                .withMessage("replication-factor must be at least 1 but was 0");
    }

    @Test
    void aTopicIsCreatedWithItsReplicationAndItsOwnMinInsyncReplicas() {
        NewTopic topic = Topic.SESSION_STATE.newTopic(TopicNamespace.DEFAULT, 3, TopicReplication.of((short) 3, null));

        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        assertThat(topic.configs())
                .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact");
    }
}
