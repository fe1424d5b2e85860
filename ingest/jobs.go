package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// JobState is the lifecycle of an asynchronous ingestion.
type JobState string

const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed" // every item failed
)

// ItemError reports one input that could not be ingested.
type ItemError struct {
	Source  string `json:"source"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Job is a snapshot of an asynchronous ingestion's progress.
type Job struct {
	ID         string      `json:"id"`
	State      JobState    `json:"state"`
	Total      int         `json:"total"`
	Done       int         `json:"done"`
	Results    []Result    `json:"results"`
	Errors     []ItemError `json:"errors"`
	CreatedAt  time.Time   `json:"created_at"`
	FinishedAt *time.Time  `json:"finished_at,omitempty"`
}

// Jobs runs ingestions in the background and keeps their progress in
// memory (finished jobs are forgotten after Retain).
type Jobs struct {
	Pipeline *Pipeline
	// Classify turns an error into a (code, message) pair for reports.
	Classify func(error) (code, message string)
	Retain   time.Duration

	mu   sync.Mutex
	jobs map[string]*Job
	wg   sync.WaitGroup
}

// Submit starts ingesting inputs and returns the job id at once.
func (j *Jobs) Submit(ctx context.Context, inputs []Input) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := "job_" + hex.EncodeToString(b[:])
	job := &Job{ID: id, State: JobQueued, Total: len(inputs), Results: []Result{}, Errors: []ItemError{}, CreatedAt: time.Now().UTC()}
	j.mu.Lock()
	if j.jobs == nil {
		j.jobs = map[string]*Job{}
	}
	j.gcLocked()
	j.jobs[id] = job
	j.mu.Unlock()
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		j.update(id, func(job *Job) { job.State = JobRunning })
		for _, in := range inputs {
			res, err := j.Pipeline.Ingest(ctx, in)
			j.update(id, func(job *Job) {
				job.Done++
				if err != nil {
					code, msg := "ingest_failed", err.Error()
					if j.Classify != nil {
						code, msg = j.Classify(err)
					}
					job.Errors = append(job.Errors, ItemError{Source: in.Source, Code: code, Message: msg})
				} else {
					job.Results = append(job.Results, res)
				}
			})
		}
		j.update(id, func(job *Job) {
			now := time.Now().UTC()
			job.FinishedAt = &now
			job.State = JobDone
			if len(job.Results) == 0 && len(job.Errors) > 0 {
				job.State = JobFailed
			}
		})
	}()
	return id
}

func (j *Jobs) update(id string, f func(*Job)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if job, ok := j.jobs[id]; ok {
		f(job)
	}
}

// Get returns a copy of a job's state.
func (j *Jobs) Get(id string) (Job, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.jobs[id]
	if !ok {
		return Job{}, false
	}
	c := *job
	c.Results = append([]Result(nil), job.Results...)
	c.Errors = append([]ItemError(nil), job.Errors...)
	return c, true
}

// Wait blocks until every submitted job has finished (used at shutdown).
func (j *Jobs) Wait() { j.wg.Wait() }

func (j *Jobs) gcLocked() {
	retain := j.Retain
	if retain <= 0 {
		retain = time.Hour
	}
	for id, job := range j.jobs {
		if job.FinishedAt != nil && time.Since(*job.FinishedAt) > retain {
			delete(j.jobs, id)
		}
	}
}
