/**
 * @file grade_channel.h
 * @brief The channel between the runner (run.c) and a test program
 *        (grade.c): the descriptors it is on, shared by both sides.
 *
 * The runner gives a test program the token on #GRADE_TOKEN_FD and reads
 * its reports ("ready", "pass TOKEN", "fail FILE LINE MESSAGE") from
 * #GRADE_REPORT_FD; the protocol is described in grade.c.
 */
#ifndef GRADE_CHANNEL_H
#define GRADE_CHANNEL_H

enum {
	/** The descriptor a test program reads the token from. */
	GRADE_TOKEN_FD = 3,
	/** The descriptor a test program writes its reports to. */
	GRADE_REPORT_FD = 4,
};

#endif /* GRADE_CHANNEL_H */
